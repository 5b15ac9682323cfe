"""The consortium: invitations by email, the answer of the invited person, removal."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jumelage.calls.models import Application, Participant
from jumelage.calls.services.applications.common import (
    check_editable,
    check_open,
    deadline_of,
    funding_poles,
)
from jumelage.core import audit
from jumelage.core.formatting import format_datetime
from jumelage.core.tasks import send_email


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
    check_editable(application, actor)
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


def masked_email(email: str) -> str:
    """The address with its local part hidden but its first letter: m…@univ-lyon1.example.org."""
    local, _at, domain = (email or "").partition("@")
    return f"{local[:1]}…@{domain}" if domain else f"{local[:1]}…"


def is_invited_account(participant: Participant, user) -> bool:
    """Whether one of the user's verified email addresses is the invited one."""
    from allauth.account.models import EmailAddress

    if not getattr(user, "is_authenticated", False):
        return False
    return EmailAddress.objects.filter(
        user=user, verified=True, email__iexact=participant.email
    ).exists()


def acceptance_blocker(participant: Participant, user) -> ValidationError | None:
    """Why `user` cannot accept the invitation now (None when they can). Declining is not
    concerned: it stays possible after the deadline and after submission."""
    application = participant.application
    if not is_invited_account(participant, user):
        return ValidationError(
            _(
                "This invitation was sent to %(email)s, not to an address of the account you "
                "are signed in with. Sign in with the account of %(email)s to accept it."
            )
            % {"email": masked_email(participant.email)},
            code="wrong_account",
        )
    if application.status != Application.Status.DRAFT:
        return ValidationError(
            _(
                "The application %(reference)s is %(status)s: its consortium can no longer "
                "change, so the invitation can only be declined."
            )
            % {"reference": application.reference, "status": application.get_status_display()},
            code="not_draft",
        )
    try:
        check_open(application)
    except ValidationError:
        return ValidationError(
            _(
                "The call closed on %(deadline)s (UTC, server time): the invitation can no "
                "longer be accepted, only declined."
            )
            % {"deadline": format_datetime(deadline_of(application), time_zone="UTC")},
            code="closed",
        )
    return None


@transaction.atomic
def respond_to_invitation(*, participant: Participant, accept: bool, user) -> Participant:
    """Accept (the user's Person joins the consortium, created if they have none) or decline.

    Only the invited person accepts (one of their verified addresses is the invited one), and
    only while the application is a draft and its stage open (server time); declining stays
    possible."""
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
        blocker = acceptance_blocker(participant, user)
        if blocker is not None:
            raise blocker
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
    check_editable(application, actor)
    audit.record(
        actor=actor,
        action="calls.participant.remove",
        obj=application,
        changes={"participant": [f"{participant.name} <{participant.email}>", None]},
    )
    participant.delete()
