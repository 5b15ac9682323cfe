"""Writes of applications to joint calls: start, save the draft (optimistic concurrency),
consortium invitations, budget per side, private PDF attachments, submission with a receipt,
staff amendments and withdrawal. Each is one transaction, checked and audited."""

import hashlib
import io
import json
import os
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from jumelage.calls.models import (
    Application,
    Attachment,
    BudgetCategory,
    BudgetLine,
    Call,
    DocumentKind,
    Participant,
    Receipt,
)
from jumelage.core import audit
from jumelage.core.formatting import format_datetime, format_money
from jumelage.core.tasks import send_email

# What the draft form may change, in the order of the steps.
DRAFT_FIELDS = (
    "title",
    "acronym",
    "language",
    "abstract",
    "description",
    "keywords",
    "themes",
    "duration_months",
)
AMENDABLE_FIELDS = DRAFT_FIELDS
STEPS = ("project", "consortium", "budget", "documents", "review-and-submit")
STEP_NAMES = {
    "project": gettext_lazy("Project"),
    "consortium": gettext_lazy("Consortium"),
    "budget": gettext_lazy("Budget"),
    "documents": gettext_lazy("Documents"),
    "review-and-submit": gettext_lazy("Review and submit"),
}
_WORD = re.compile(r"\w[\w'’-]*", re.UNICODE)


class StaleDraft(Exception):
    """The draft changed since the form was opened: someone else saved it in between.

    `current` holds the values now stored, `changed_by` who last changed each field since the
    version the form started from ({field: name}), `version` the stored version."""

    def __init__(self, *, application: Application, current: dict, changed_by: dict[str, str]):
        self.application = application
        self.current = current
        self.changed_by = changed_by
        self.version = application.version
        super().__init__(f"{application.reference}: version {application.version} is newer")


@dataclass(frozen=True)
class Missing:
    """Something an application lacks before it can be submitted, and the step to fix it."""

    step: str
    message: str

    @property
    def step_name(self) -> str:
        return str(STEP_NAMES[self.step])


def count_words(text: str) -> int:
    return len(_WORD.findall(text or ""))


def deadline_of(application: Application):
    """The deadline of the stage the application is at (server time, UTC)."""
    call = application.call
    if application.stage == Application.Stage.INTENT and call.intent_closes_at:
        return call.intent_closes_at
    return call.closes_at


def funding_poles(call: Call) -> list:
    return [e.pole for e in call.envelopes.select_related("pole").order_by("pole__code")]


def _closed_message(deadline) -> str:
    return _(
        "The call closed on %(deadline)s (UTC, server time): the application can no "
        "longer be changed or submitted. Your draft is kept."
    ) % {"deadline": format_datetime(deadline, time_zone="UTC")}


def _check_open(application: Application) -> None:
    if timezone.now() >= deadline_of(application):
        raise ValidationError(_closed_message(deadline_of(application)), code="closed")


def _check_editable(application: Application, actor) -> None:
    if not actor.has_perm("calls.change_application", application):
        raise PermissionDenied
    _check_open(application)


def _person_name(user) -> str:
    person = getattr(user, "person", None)
    if person is not None:
        return person.full_name
    return user.get_full_name() or user.email


def draft_values(application: Application) -> dict:
    """The draft's fields as the forms and the conflict view show them."""
    values = {name: getattr(application, name) for name in DRAFT_FIELDS if name != "themes"}
    values["themes"] = sorted(application.themes.values_list("pk", flat=True))
    return values


# --- Start -----------------------------------------------------------------------------


@transaction.atomic
def start_application(*, call: Call, actor) -> Application:
    """Open a draft. The creator becomes lead of their side when they hold a current
    affiliation at an institution of a funding pole."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if not actor.is_authenticated:
        raise PermissionDenied
    now = timezone.now()
    if call.status != Call.Status.PUBLISHED or now < call.opens_at:
        raise ValidationError(
            _("The call is not open yet: applications open on %(opens)s (UTC).")
            % {"opens": format_datetime(call.opens_at, time_zone="UTC")},
            code="not_open",
        )
    deadline = call.intent_closes_at if call.two_stage and call.intent_closes_at else call.closes_at
    if now >= deadline:
        raise ValidationError(_closed_message(deadline), code="closed")
    prefix = f"JC{call.opens_at:%y}-"
    numbers = [
        int(reference[len(prefix) :])
        for reference in Application.objects.filter(reference__startswith=prefix).values_list(
            "reference", flat=True
        )
        if reference[len(prefix) :].isdigit()
    ]
    number = max(numbers, default=0) + 1
    while Application.objects.filter(reference=f"{prefix}{number:03d}").exists():
        number += 1
    application = Application.objects.create(
        call=call,
        reference=f"{prefix}{number:03d}",
        created_by=actor,
        stage=Application.Stage.INTENT if call.two_stage else Application.Stage.FULL,
        language=(translation.get_language() or "fr")[:2]
        if (translation.get_language() or "fr")[:2] in ("fr", "en")
        else "fr",
    )
    audit.record(
        actor=actor,
        action="calls.application.start",
        obj=application,
        changes={"reference": [None, application.reference]},
    )
    person = getattr(actor, "person", None)
    if person is not None:
        poles = {p.pk: p for p in funding_poles(call)}
        affiliation = next(
            (
                a
                for a in person.affiliations.select_related("institution", "team").order_by(
                    "-start_date", "pk"
                )
                if a.is_current and a.institution.pole_id in poles
            ),
            None,
        )
        if affiliation is not None:
            participant = Participant.objects.create(
                application=application,
                person=person,
                name=person.full_name,
                email=person.email or actor.email,
                pole=poles[affiliation.institution.pole_id],
                institution=affiliation.institution,
                team=affiliation.team,
                role=Participant.Role.LEAD,
                status=Participant.Status.CONFIRMED,
                responded_at=now,
            )
            audit.record(
                actor=actor,
                action="calls.participant.add",
                obj=participant,
                changes={"role": [None, participant.role], "status": [None, participant.status]},
            )
    return application


# --- Draft -----------------------------------------------------------------------------


def _changed_by_since(application: Application, version: int) -> dict[str, str]:
    from jumelage.core.models import AuditEntry

    entries = (
        AuditEntry.objects.select_related("actor")
        .filter(
            content_type__app_label="calls",
            content_type__model="application",
            object_id=str(application.pk),
            action__in=("calls.application.save_draft", "calls.application.budget"),
        )
        .order_by("created_at", "pk")
    )
    who: dict[str, str] = {}
    for entry in entries:
        new_version = (entry.changes.get("version") or [None, 0])[1] or 0
        if new_version <= version:
            continue
        for field in entry.changes:
            if field != "version":
                who[field] = entry.actor.get_full_name() if entry.actor else entry.actor_label
    return who


def _stale(application: Application, version: int) -> StaleDraft:
    return StaleDraft(
        application=application,
        current=draft_values(application),
        changed_by=_changed_by_since(application, version),
    )


def _clean_draft_value(application: Application, name: str, value):
    if name == "duration_months":
        if value in (None, ""):
            return None
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValidationError(
                {
                    name: _(
                        "“%(value)s” is not a number of months: give a whole number such as 24."
                    )
                    % {"value": value}
                }
            ) from None
        if number < 0:
            raise ValidationError(
                {name: _("The duration cannot be negative (%(value)s).") % {"value": number}}
            )
        return number
    if name == "keywords":
        if isinstance(value, str):
            value = value.split(",")
        return [k.strip() for k in value if str(k).strip()]
    if name == "language":
        return value if value in Application.Language.values else application.language
    if name in ("title", "acronym"):
        limit = Application._meta.get_field(name).max_length
        text = (value or "").strip()
        if len(text) > limit:
            raise ValidationError(
                {
                    name: _("%(count)d characters: at most %(limit)d are accepted.")
                    % {"count": len(text), "limit": limit}
                }
            )
        return text
    return value or ""


@transaction.atomic
def save_draft(*, application: Application, changes: dict, version: int, actor) -> Application:
    """Save what was typed, word limits not enforced (they are checked at submission).

    Raises StaleDraft when the draft changed since `version` (nothing is saved then)."""
    application = (
        Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    )
    _check_editable(application, actor)
    if int(version) != application.version:
        raise _stale(application, int(version))
    before = {**audit.snapshot(application, DRAFT_FIELDS), "version": application.version}
    themes = None
    for name, value in changes.items():
        if name not in DRAFT_FIELDS:
            raise ValueError(f"{name} is not a field of the draft")
        if name == "themes":
            allowed = set(application.call.themes.values_list("pk", flat=True))
            themes = [int(getattr(t, "pk", t)) for t in value or []]
            themes = [t for t in themes if t in allowed]
            continue
        setattr(application, name, _clean_draft_value(application, name, value))
    if themes is not None:
        application.themes.set(themes)
    after = audit.snapshot(application, DRAFT_FIELDS)
    if audit.diff(before, {**after, "version": application.version}):
        application.version += 1
        application.save()
        audit.record(
            actor=actor,
            action="calls.application.save_draft",
            obj=application,
            changes=audit.diff(before, {**after, "version": application.version}),
        )
    return application


# --- Consortium ------------------------------------------------------------------------


def _send_invitation(participant_id: int, site_url: str) -> None:
    participant = Participant.objects.select_related("application__call").get(pk=participant_id)
    application = participant.application
    link = site_url + reverse("calls:invitation", args=[participant.token])
    context = {
        "participant": participant,
        "application": application,
        "call": application.call,
        "link": link,
    }
    send_email.enqueue(
        subject=_("[Jumelage] Invitation to join the application %(reference)s")
        % {"reference": application.reference},
        body=render_to_string("calls/email/application_invitation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[participant.email],
    )


@transaction.atomic
def invite_participant(
    *,
    application: Application,
    name: str,
    email: str,
    pole,
    institution,
    role: str,
    actor,
    site_url: str = "",
) -> Participant:
    """Invite someone by email to join the consortium; they confirm through a link."""
    application = (
        Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    )
    _check_editable(application, actor)
    errors: dict[str, list[str]] = {}
    name, email = (name or "").strip(), (email or "").strip().lower()
    if not name:
        errors["name"] = [_("Give the name of the person to invite.")]
    if role not in Participant.Role.values:
        errors["role"] = [
            _("“%(value)s” is not a role: choose lead of a side, co-applicant or collaborator.")
            % {"value": role}
        ]
    funders = {p.pk: p for p in funding_poles(application.call)}
    if pole is not None and pole.pk not in funders:
        errors["pole"] = [
            _("%(pole)s does not fund this call: choose one of %(poles)s.")
            % {"pole": pole, "poles": ", ".join(str(p) for p in funders.values())}
        ]
    if pole is None and role != Participant.Role.COLLABORATOR:
        errors["pole"] = [
            _("A lead or a co-applicant belongs to a side: choose the funding pole of their side.")
        ]
    if pole is None and not application.call.third_country_allowed:
        errors["pole"] = [
            _("This call does not accept collaborators from outside both poles: choose a side.")
        ]
    if (
        role == Participant.Role.LEAD
        and pole is not None
        and application.participants.filter(role=Participant.Role.LEAD, pole=pole).exists()
    ):
        errors["role"] = [
            _(
                "The %(pole)s side already has a lead: invite this person as a "
                "co-applicant, or remove the current lead first."
            )
            % {"pole": pole}
        ]
    if email and application.participants.filter(email__iexact=email).exists():
        errors["email"] = [_("%(email)s is already in the consortium.") % {"email": email}]
    if institution is not None and pole is not None and institution.pole_id != pole.pk:
        errors["institution"] = [
            _("%(institution)s is not a member institution of %(pole)s.")
            % {"institution": institution, "pole": pole}
        ]
    participant = Participant(
        application=application,
        name=name,
        email=email,
        pole=pole,
        institution=institution,
        role=role,
    )
    try:
        participant.full_clean(
            exclude=["application", "token"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    participant.save()
    audit.record(
        actor=actor,
        action="calls.participant.invite",
        obj=participant,
        changes={
            "email": [None, email],
            "role": [None, role],
            "pole": [None, pole.code if pole else None],
        },
    )
    transaction.on_commit(lambda: _send_invitation(participant.pk, site_url))
    return participant


@transaction.atomic
def respond_to_invitation(*, participant: Participant, accept: bool, user) -> Participant:
    """Accept (the user's Person joins the consortium, created if they have none) or decline."""
    from jumelage.directory.models import Person

    participant = (
        Participant.objects.select_for_update()
        .select_related("application__call")
        .get(pk=participant.pk)
    )
    if participant.status != Participant.Status.INVITED:
        raise ValidationError(
            _("This invitation was already answered (%(status)s).")
            % {"status": participant.get_status_display()}
        )
    application = participant.application
    if application.status == Application.Status.WITHDRAWN:
        raise ValidationError(_("The application was withdrawn: the invitation no longer stands."))
    before = audit.snapshot(participant, ("status", "person"))
    if accept:
        person = getattr(user, "person", None)
        if person is None:
            person = Person.objects.create(
                user=user,
                given_name=user.first_name or participant.name.split(" ")[0],
                family_name=user.last_name or " ".join(participant.name.split(" ")[1:]) or "-",
                email=user.email,
            )
        if application.participants.filter(person=person).exclude(pk=participant.pk).exists():
            raise ValidationError(_("You are already a member of this consortium."))
        participant.person = person
        participant.status = Participant.Status.CONFIRMED
    else:
        participant.status = Participant.Status.DECLINED
    participant.responded_at = timezone.now()
    participant.save()
    audit.record(
        actor=user,
        action="calls.participant.respond",
        obj=participant,
        changes=audit.diff(before, audit.snapshot(participant, ("status", "person"))),
    )
    return participant


@transaction.atomic
def remove_participant(*, participant: Participant, actor) -> None:
    application = (
        Application.objects.select_for_update()
        .select_related("call")
        .get(pk=participant.application_id)
    )
    _check_editable(application, actor)
    audit.record(
        actor=actor,
        action="calls.participant.remove",
        obj=application,
        changes={"participant": [f"{participant.name} <{participant.email}>", None]},
    )
    participant.delete()


# --- Budget ----------------------------------------------------------------------------


def side_totals(application: Application) -> dict[int, Decimal]:
    totals: dict[int, Decimal] = {}
    for line in application.budget_lines.all():
        totals[line.pole_id] = totals.get(line.pole_id, Decimal("0")) + line.amount
    return totals


@transaction.atomic
def set_budget(*, application: Application, pole, lines: dict, version: int, actor) -> Application:
    """Replace the budget of one side ({category: amount} in the side's currency)."""
    application = (
        Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    )
    _check_editable(application, actor)
    if int(version) != application.version:
        raise _stale(application, int(version))
    envelope = (
        application.call.envelopes.select_related("pole")
        .filter(pole_id=getattr(pole, "pk", None))
        .first()
    )
    if envelope is None:
        raise ValidationError(
            {
                "pole": _(
                    "%(pole)s does not fund this call: only the sides of "
                    "its funding poles have a budget."
                )
                % {"pole": pole}
            }
        )
    errors: dict[str, list[str]] = {}
    amounts: dict[str, Decimal] = {}
    for category, raw in lines.items():
        if category not in BudgetCategory.values:
            raise ValueError(f"{category} is not a budget category")
        if raw in (None, ""):
            continue
        try:
            amount = Decimal(str(raw).replace(" ", "").replace("\xa0", "").replace(",", "."))
        except InvalidOperation:
            errors[category] = [
                _("“%(value)s” is not an amount: give a number such as 12000 or 12000.50.")
                % {"value": raw}
            ]
            continue
        if not amount.is_finite():
            errors[category] = [
                _("“%(value)s” is not an amount: give a number such as 12000 or 12000.50.")
                % {"value": raw}
            ]
        elif amount < 0:
            errors[category] = [
                _("%(amount)s is negative: give an amount of zero or more.")
                % {"amount": format_money(amount, envelope.currency)}
            ]
        elif amount.as_tuple().exponent < -2 or amount >= Decimal("1e10"):
            errors[category] = [
                _(
                    "%(value)s has more than two decimals or too many digits: "
                    "give an amount in %(currency)s such as 12000.50."
                )
                % {"value": raw, "currency": envelope.currency}
            ]
        else:
            amounts[category] = amount
    total = sum(amounts.values(), Decimal("0"))
    if not errors and total > envelope.max_request:
        errors["total"] = [
            _(
                "The %(side)s side asks for %(total)s in total, above the cap of "
                "%(cap)s per side: lower its total to %(cap)s or less."
            )
            % {
                "side": envelope.pole.short_name,
                "total": format_money(total, envelope.currency),
                "cap": format_money(envelope.max_request, envelope.currency),
            }
        ]
    if errors:
        raise ValidationError(errors)
    before = {
        f"{envelope.pole.code}.{line.category}": str(line.amount)
        for line in application.budget_lines.filter(pole=envelope.pole)
    }
    application.budget_lines.filter(pole=envelope.pole).delete()
    BudgetLine.objects.bulk_create(
        [
            BudgetLine(
                application=application, pole=envelope.pole, category=category, amount=amount
            )
            for category, amount in amounts.items()
            if amount
        ]
    )
    after = {f"{envelope.pole.code}.{c}": str(a) for c, a in amounts.items() if a}
    changes = audit.diff(before, after)
    if changes:
        changes["version"] = [application.version, application.version + 1]
        application.version += 1
        application.save(update_fields=["version", "updated_at"])
        audit.record(
            actor=actor, action="calls.application.budget", obj=application, changes=changes
        )
    return application


# --- Attachments -----------------------------------------------------------------------


def _detected(data: bytes) -> str:
    import filetype

    kind = filetype.guess(data)
    if kind is None:
        return _("unknown content (not a recognised file type)")
    return f"{kind.mime} (.{kind.extension})"


@transaction.atomic
def add_attachment(*, application: Application, kind: str, uploaded_file, actor) -> Attachment:
    """Store a PDF: its type is checked from its content, never from its name."""
    import filetype
    from pypdf import PdfReader

    application = (
        Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    )
    _check_editable(application, actor)
    name = os.path.basename(getattr(uploaded_file, "name", "") or "document.pdf")[:255]
    if kind not in DocumentKind.values:
        raise ValidationError(
            {
                "kind": _("“%(value)s” is not a kind of document: choose one from the list.")
                % {"value": kind}
            }
        )
    limit = application.call.max_attachment_mb * 1024 * 1024
    size = uploaded_file.size
    if size > limit:
        raise ValidationError(
            {
                "file": _(
                    "“%(name)s” weighs %(size)s MB: the call accepts files of at most %(limit)d MB."
                )
                % {
                    "name": name,
                    "size": f"{size / 1024 / 1024:.1f}",
                    "limit": application.call.max_attachment_mb,
                }
            }
        )
    data = (
        b"".join(uploaded_file.chunks())
        if hasattr(uploaded_file, "chunks")
        else uploaded_file.read()
    )
    guessed = filetype.guess(data)
    if guessed is None or guessed.mime != "application/pdf":
        raise ValidationError(
            {
                "file": _(
                    "“%(name)s” is not a PDF: its content is %(detected)s. Upload a PDF document."
                )
                % {"name": name, "detected": _detected(data)}
            }
        )
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = len(reader.pages)
    except Exception as exc:  # any failure of the parser means an unusable PDF
        raise ValidationError(
            {
                "file": _(
                    "“%(name)s” starts like a PDF but cannot be opened "
                    "(damaged or protected file). Upload a PDF that "
                    "opens in a PDF reader."
                )
                % {"name": name}
            }
        ) from exc
    attachment = Attachment(
        application=application,
        kind=kind,
        original_name=name,
        size=len(data),
        pages=pages,
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
    )
    attachment.file.save("document.pdf", ContentFile(data), save=False)
    attachment.save()
    audit.record(
        actor=actor,
        action="calls.attachment.add",
        obj=application,
        changes={"attachment": [None, {"kind": kind, "name": name, "sha256": attachment.sha256}]},
    )
    return attachment


def storages_private():
    from django.core.files.storage import storages

    return storages["private"]


@transaction.atomic
def remove_attachment(*, attachment: Attachment, actor) -> None:
    application = (
        Application.objects.select_for_update()
        .select_related("call")
        .get(pk=attachment.application_id)
    )
    _check_editable(application, actor)
    stored = attachment.file.name
    audit.record(
        actor=actor,
        action="calls.attachment.remove",
        obj=application,
        changes={
            "attachment": [
                {
                    "kind": attachment.kind,
                    "name": attachment.original_name,
                    "sha256": attachment.sha256,
                },
                None,
            ]
        },
    )
    attachment.delete()
    transaction.on_commit(lambda: storages_private().delete(stored))


# --- Completeness and submission -------------------------------------------------------


def missing_items(application: Application) -> list[Missing]:
    """What the application lacks before submission, each with the step to fix it."""
    call = application.call
    intent = application.stage == Application.Stage.INTENT
    items: list[Missing] = []
    if not application.title.strip():
        items.append(Missing("project", _("The project title is empty.")))
    abstract_words = count_words(application.abstract)
    if not abstract_words:
        items.append(Missing("project", _("The abstract is empty.")))
    elif abstract_words > call.abstract_word_limit:
        items.append(
            Missing(
                "project",
                _("The abstract has %(count)d words: the call accepts at most %(limit)d.")
                % {"count": abstract_words, "limit": call.abstract_word_limit},
            )
        )
    description_words = count_words(application.description)
    if not intent and not description_words:
        items.append(Missing("project", _("The project description is empty.")))
    elif description_words > call.description_word_limit:
        items.append(
            Missing(
                "project",
                _(
                    "The project description has %(count)d words: the call accepts at most "
                    "%(limit)d."
                )
                % {"count": description_words, "limit": call.description_word_limit},
            )
        )
    duration = application.duration_months
    if duration is None:
        items.append(Missing("project", _("The duration of the project is not given.")))
    elif not call.min_duration_months <= duration <= call.max_duration_months:
        items.append(
            Missing(
                "project",
                _(
                    "The project lasts %(duration)d months: the call accepts %(min)d to %(max)d "
                    "months."
                )
                % {
                    "duration": duration,
                    "min": call.min_duration_months,
                    "max": call.max_duration_months,
                },
            )
        )
    envelopes = list(call.envelopes.select_related("pole").order_by("pole__code"))
    participants = list(application.participants.all())
    for envelope in envelopes:
        if not any(
            p.role == Participant.Role.LEAD
            and p.pole_id == envelope.pole_id
            and p.status == Participant.Status.CONFIRMED
            for p in participants
        ):
            items.append(
                Missing(
                    "consortium",
                    _("The %(side)s side has no confirmed lead.")
                    % {"side": envelope.pole.short_name},
                )
            )
    if not intent:
        totals = side_totals(application)
        for envelope in envelopes:
            total = totals.get(envelope.pole_id, Decimal("0"))
            if total <= 0:
                items.append(
                    Missing(
                        "budget",
                        _("The %(side)s side has no budget.") % {"side": envelope.pole.short_name},
                    )
                )
            elif total > envelope.max_request:
                items.append(
                    Missing(
                        "budget",
                        _("The %(side)s side asks for %(total)s, above the cap of %(cap)s.")
                        % {
                            "side": envelope.pole.short_name,
                            "total": format_money(total, envelope.currency),
                            "cap": format_money(envelope.max_request, envelope.currency),
                        },
                    )
                )
    present = set(application.attachments.values_list("kind", flat=True))
    required = [
        k for k in call.required_documents if (k == DocumentKind.LETTER_OF_INTENT) == intent
    ]
    for kind in required:
        if kind not in present:
            items.append(
                Missing(
                    "documents",
                    _("The document “%(document)s” is missing.")
                    % {"document": DocumentKind(kind).label},
                )
            )
    return items


def canonical_content(application: Application) -> dict:
    """What a receipt vouches for: the fields, the consortium, the budget and the files."""
    return {
        "reference": application.reference,
        "stage": application.stage,
        "title": application.title,
        "acronym": application.acronym,
        "language": application.language,
        "abstract": application.abstract,
        "description": application.description,
        "keywords": list(application.keywords),
        "themes": sorted(application.themes.values_list("code", flat=True)),
        "duration_months": application.duration_months,
        "participants": sorted(
            [
                p.pole.code if p.pole else "",
                p.role,
                p.name,
                p.email.lower(),
                p.institution_id or 0,
                p.status,
            ]
            for p in application.participants.select_related("pole")
        ),
        "budget": sorted(
            [line.pole.code, line.category, f"{line.amount:.2f}"]
            for line in application.budget_lines.select_related("pole")
        ),
        "attachments": sorted([a.kind, a.sha256] for a in application.attachments.all()),
    }


def content_hash(application: Application) -> str:
    text = json.dumps(
        canonical_content(application), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@task(queue_name="default")
def send_receipt(*, receipt_id: int) -> int:
    """Mail the receipt, its PDF attached, to the creator and the confirmed participants."""
    receipt = Receipt.objects.select_related("application__call", "application__created_by").get(
        pk=receipt_id
    )
    application = receipt.application
    to = [application.created_by.email]
    for participant in application.participants.filter(status=Participant.Status.CONFIRMED):
        if participant.email.lower() not in {a.lower() for a in to}:
            to.append(participant.email)
    with translation.override(application.created_by.language or settings.LANGUAGE_CODE):
        context = {
            "application": application,
            "receipt": receipt,
            "call": application.call,
            "submitted_at": format_datetime(receipt.submitted_at, time_zone="UTC"),
        }
        message = EmailMessage(
            subject=_("[Jumelage] Receipt of the application %(reference)s")
            % {"reference": application.reference},
            body=render_to_string("calls/email/application_receipt.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=to,
        )
    with receipt.pdf.open("rb") as handle:
        message.attach(f"{application.reference}-receipt.pdf", handle.read(), "application/pdf")
    return message.send()


@transaction.atomic
def submit_application(*, application: Application, actor) -> Receipt:
    """Submit: refused after the deadline (server time) or while something is missing.
    Submitting again returns the same receipt and sends no second mail."""
    from jumelage.calls.documents.receipt import receipt_pdf

    application = (
        Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    )
    if application.status == Application.Status.SUBMITTED:
        if not actor.has_perm("calls.view_application", application):
            raise PermissionDenied
        existing = (
            application.receipts.filter(stage=application.stage).order_by("-submitted_at").first()
        )
        if existing is not None:
            return existing
        raise ValidationError(
            _("The application %(reference)s is already submitted.")
            % {"reference": application.reference},
            code="submitted",
        )
    if not actor.has_perm("calls.change_application", application):
        raise PermissionDenied
    _check_open(application)
    missing = missing_items(application)
    if missing:
        raise ValidationError(
            [
                _("%(step)s: %(message)s") % {"step": m.step_name, "message": m.message}
                for m in missing
            ],
            code="incomplete",
        )
    now = timezone.now()
    receipt = Receipt.objects.create(
        application=application,
        stage=application.stage,
        submitted_at=now,
        submitted_by=actor,
        content_hash=content_hash(application),
    )
    receipt.pdf.save("receipt.pdf", ContentFile(receipt_pdf(receipt=receipt)), save=True)
    before = audit.snapshot(application, ("status", "submitted_at"))
    application.status = Application.Status.SUBMITTED
    application.submitted_at = now
    application.save(update_fields=["status", "submitted_at", "updated_at"])
    changes = audit.diff(before, audit.snapshot(application, ("status", "submitted_at")))
    changes["content_hash"] = [None, receipt.content_hash]
    audit.record(actor=actor, action="calls.application.submit", obj=application, changes=changes)
    transaction.on_commit(lambda: send_receipt.enqueue(receipt_id=receipt.pk))
    return receipt


@transaction.atomic
def amend_application(
    *, application: Application, changes: dict, actor, justification: str
) -> Application:
    """Staff change a submitted application; the justification is kept in the audit log."""
    application = (
        Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    )
    if not actor.has_perm("calls.manage_call", application.call):
        raise PermissionDenied
    if not (justification or "").strip():
        raise ValidationError(
            {
                "justification": _(
                    "Say why the application is amended: the "
                    "justification is kept in the audit log."
                )
            }
        )
    before = audit.snapshot(application, AMENDABLE_FIELDS)
    for name, value in changes.items():
        if name not in AMENDABLE_FIELDS:
            raise ValueError(f"{name} is not a field that staff can amend")
        if name == "themes":
            application.themes.set([getattr(t, "pk", t) for t in value])
        else:
            setattr(application, name, _clean_draft_value(application, name, value))
    application.version += 1
    application.save()
    diff = audit.diff(before, audit.snapshot(application, AMENDABLE_FIELDS))
    diff["justification"] = [None, justification.strip()]
    audit.record(actor=actor, action="calls.application.amend", obj=application, changes=diff)
    return application


@transaction.atomic
def withdraw_application(*, application: Application, actor) -> Application:
    """The applicants withdraw a draft or a submitted application (before any decision)."""
    application = (
        Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    )
    allowed = actor.has_perm("calls.change_application", application) or (
        application.status == Application.Status.SUBMITTED and application.created_by_id == actor.pk
    )
    if not allowed:
        raise PermissionDenied
    if application.status == Application.Status.WITHDRAWN:
        return application
    if application.outcome != Application.Outcome.PENDING:
        raise ValidationError(
            _(
                "A decision was taken on this application: it can no longer be "
                "withdrawn. Write to the programme staff."
            )
        )
    before = application.status
    application.status = Application.Status.WITHDRAWN
    application.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action="calls.application.withdraw",
        obj=application,
        changes={"status": [before, application.status]},
    )
    return application
