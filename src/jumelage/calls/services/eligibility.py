"""Eligibility of the applications to a joint call: one check per rule, with its reason.

Each rule stores what it found and what the call requires (`EligibilityCheck.params`), and
`reason_text` turns that into a sentence in the reader's language, so that staff, the
applicants' emails and the application page all say the same thing. Staff may override the
outcome with a justification; the applicants are told once.
"""

import functools
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jumelage.calls.models import (
    Application,
    Call,
    DocumentKind,
    EligibilityCheck,
    Participant,
)
from jumelage.calls.services import notify
from jumelage.calls.services.applications import count_words
from jumelage.core import audit
from jumelage.core.formatting import format_money, format_number
from jumelage.core.tasks import send_email
from jumelage.directory.models import Affiliation, Institution, Person

RULES = (
    "lead_per_pole",
    "lead_position",
    "third_country_unfunded",
    "required_documents",
    "word_limits",
    "budget_caps",
    "duration",
)

RULE_NAMES = {
    "lead_per_pole": gettext_lazy("A lead for each funding pole"),
    "lead_position": gettext_lazy("Position and institution of the leads"),
    "third_country_unfunded": gettext_lazy("Collaborators from outside both poles"),
    "required_documents": gettext_lazy("Required documents"),
    "word_limits": gettext_lazy("Word limits"),
    "budget_caps": gettext_lazy("Budget caps"),
    "duration": gettext_lazy("Duration"),
}


def _language() -> str:
    return (translation.get_language() or "fr")[:2]


def _name(names: dict) -> str:
    """A name stored in both languages ({"fr": ..., "en": ...}), in the reader's."""
    return names.get(_language()) or names.get("fr") or names.get("en") or ""


def _names(values: Iterable[str]) -> str:
    return ", ".join(values)


def _parts(values: Iterable[str]) -> str:
    """Parts of a list joined by semicolons, with the no-break space French wants."""
    return ("\u00a0; " if _language() == "fr" else "; ").join(values)


def _career_stage(code: str) -> str:
    return str(dict(Person.CareerStage.choices).get(code, code))


def _document(code: str) -> str:
    return str(dict(DocumentKind.choices).get(code, code))


# --- The rules ------------------------------------------------------------------------


def _funding_poles(call: Call) -> list:
    return [e.pole for e in call.envelopes.all()]


def _leads(application: Application) -> dict[int, Participant]:
    """The confirmed lead of each side, by pole id."""
    return {
        p.pole_id: p
        for p in application.participants.all()
        if p.role == Participant.Role.LEAD
        and p.status == Participant.Status.CONFIRMED
        and p.pole_id is not None
    }


def _lead_per_pole(application: Application, call: Call) -> tuple[bool, dict]:
    leads = _leads(application)
    poles = _funding_poles(call)
    missing = [p.short_name for p in poles if p.pk not in leads]
    found = [[p.short_name, leads[p.pk].name] for p in poles if p.pk in leads]
    return not missing, {"missing": missing, "leads": found, "poles": [p.short_name for p in poles]}


def _ancestors(institution_ids: set[int], parents: dict[int, list[int]]) -> set[int]:
    seen = set(institution_ids)
    todo = list(institution_ids)
    while todo:
        for parent in parents.get(todo.pop(), []):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def _institution_names(institution: Institution) -> dict:
    return {"fr": institution.name_fr, "en": institution.name_en or institution.name_fr}


def _lead_position(application: Application, call: Call) -> tuple[bool, dict]:
    leads = _leads(application)
    poles = {p.pk: p for p in _funding_poles(call)}
    accepted = list(call.eligible_positions or [])
    today = timezone.localdate()
    parents: dict[int, list[int]] = {}
    for child, parent in Institution.parents.through.objects.values_list(
        "from_institution_id", "to_institution_id"
    ):
        parents.setdefault(child, []).append(parent)
    current = Prefetch(
        "affiliations",
        to_attr="current",
        queryset=Affiliation.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=today)
        ).select_related("institution"),
    )
    person_ids = [lead.person_id for lead in leads.values() if lead.person_id]
    people = {p.pk: p for p in Person.objects.filter(pk__in=person_ids).prefetch_related(current)}
    problems = []
    checked = []
    for pole in poles.values():
        lead = leads.get(pole.pk)
        if lead is None:
            continue
        base = {"name": lead.name, "pole": pole.short_name}
        checked.append(lead.name)
        person = people.get(lead.person_id)
        if person is None:
            problems.append({**base, "kind": "not_in_directory"})
            continue
        if person.career_stage not in accepted:
            problems.append(
                {
                    **base,
                    "kind": "position" if person.career_stage else "no_stage",
                    "found": person.career_stage,
                    "accepted": accepted,
                }
            )
        institutions = {a.institution_id: a.institution for a in person.current}
        if lead.institution_id:
            institutions.setdefault(lead.institution_id, lead.institution)
        if not institutions:
            problems.append({**base, "kind": "no_institution"})
        elif not Institution.objects.filter(
            pk__in=_ancestors(set(institutions), parents), pole=pole
        ).exists():
            problems.append(
                {
                    **base,
                    "kind": "institution",
                    "found": [_institution_names(i) for i in institutions.values()],
                }
            )
    if not checked:
        problems.append({"kind": "no_lead"})
    return not problems, {"problems": problems, "checked": checked}


def _third_country(application: Application, call: Call) -> tuple[bool, dict]:
    active = [p for p in application.participants.all() if p.status != Participant.Status.DECLINED]
    outside = [p for p in active if p.pole_id is None]
    funding = {p.pk for p in _funding_poles(call)}
    not_collaborators = [p.name for p in outside if p.role != Participant.Role.COLLABORATOR]
    unfunded_lines = sorted(
        {
            line.pole.short_name
            for line in application.budget_lines.all()
            if line.pole_id not in funding
        }
    )
    refused = [p.name for p in outside] if outside and not call.third_country_allowed else []
    params = {
        "outside": [p.name for p in outside],
        "refused": refused,
        "not_collaborators": not_collaborators,
        "budget_poles": unfunded_lines,
    }
    return not (refused or not_collaborators or unfunded_lines), params


def _required_documents(application: Application, call: Call) -> tuple[bool, dict]:
    required = list(call.required_documents or [])
    present = {a.kind for a in application.attachments.all()}
    missing = [kind for kind in required if kind not in present]
    return not missing, {"required": required, "missing": missing}


def _word_limits(application: Application, call: Call) -> tuple[bool, dict]:
    params = {
        "abstract": count_words(application.abstract),
        "abstract_limit": call.abstract_word_limit,
        "description": count_words(application.description),
        "description_limit": call.description_word_limit,
    }
    return (
        params["abstract"] <= params["abstract_limit"]
        and params["description"] <= params["description_limit"]
    ), params


def _budget_caps(application: Application, call: Call) -> tuple[bool, dict]:
    totals: dict[int, Decimal] = {}
    for line in application.budget_lines.all():
        totals[line.pole_id] = totals.get(line.pole_id, Decimal("0")) + line.amount
    sides = [
        {
            "pole": e.pole.short_name,
            "currency": e.pole.currency,
            "total": str(totals.get(e.pole_id, Decimal("0"))),
            "max": str(e.max_request),
        }
        for e in call.envelopes.all()
    ]
    over = [s["pole"] for s in sides if Decimal(s["total"]) > Decimal(s["max"])]
    return not over, {"sides": sides, "over": over}


def _duration(application: Application, call: Call) -> tuple[bool, dict]:
    months = application.duration_months
    params = {"months": months, "min": call.min_duration_months, "max": call.max_duration_months}
    return months is not None and params["min"] <= months <= params["max"], params


CHECKS = {
    "lead_per_pole": _lead_per_pole,
    "lead_position": _lead_position,
    "third_country_unfunded": _third_country,
    "required_documents": _required_documents,
    "word_limits": _word_limits,
    "budget_caps": _budget_caps,
    "duration": _duration,
}


@transaction.atomic
def check_eligibility(*, application: Application) -> list[EligibilityCheck]:
    """Run every rule on the application and store one check per rule (the system does it:
    no actor). The application's own eligibility is set by `run_eligibility`."""
    application = (
        Application.objects.select_related("call")
        .prefetch_related("participants__institution", "budget_lines__pole", "attachments")
        .get(pk=application.pk)
    )
    call = Call.objects.prefetch_related("envelopes__pole").get(pk=application.call_id)
    checks = []
    for rule in RULES:
        passed, params = CHECKS[rule](application, call)
        check, _created = EligibilityCheck.objects.update_or_create(
            application=application, rule=rule, defaults={"passed": passed, "params": params}
        )
        checks.append(check)
    EligibilityCheck.objects.filter(application=application).exclude(rule__in=RULES).delete()
    return checks


def _require_manager(actor, call: Call) -> None:
    if actor is None or not actor.has_perm("calls.manage_call", call):
        raise PermissionDenied


@transaction.atomic
def run_eligibility(*, call: Call, actor) -> dict[str, int]:
    """Check every submitted application of the call and set its eligibility, unless staff
    overrode it. Returns how many are eligible and not eligible."""
    _require_manager(actor, call)
    counts = {Application.Eligibility.ELIGIBLE: 0, Application.Eligibility.INELIGIBLE: 0}
    changed = False
    for application in (
        Application.objects.select_for_update()
        # Eligibility is that of full proposals: letters of intent are sifted by invitation.
        .filter(call=call, stage=Application.Stage.FULL, status=Application.Status.SUBMITTED)
        .order_by("reference")
    ):
        checks = check_eligibility(application=application)
        failed = [c.rule for c in checks if not c.passed]
        if application.eligibility_overridden:
            counts[application.eligibility] = counts.get(application.eligibility, 0) + 1
            continue
        outcome = Application.Eligibility.INELIGIBLE if failed else Application.Eligibility.ELIGIBLE
        counts[outcome] += 1
        before = application.eligibility
        if before != outcome:
            application.eligibility = outcome
            # A changed outcome is told again; an unchanged one is not repeated.
            application.eligibility_notified_at = None
            application.save(
                update_fields=["eligibility", "eligibility_notified_at", "updated_at"]
            )
            changed = True
        audit.record(
            actor=actor,
            action="calls.eligibility.check",
            obj=application,
            changes={"eligibility": [before, outcome], "failed_rules": [None, failed]},
        )
    if changed:
        _resync_review(call=call, actor=actor)
    return {
        "eligible": counts[Application.Eligibility.ELIGIBLE],
        "ineligible": counts[Application.Eligibility.INELIGIBLE],
    }


@transaction.atomic
def override_eligibility(
    *, application: Application, eligible: bool, justification: str, actor
) -> Application:
    """Staff set the outcome themselves; the justification is kept in the audit log."""
    _require_manager(actor, application.call)
    justification = (justification or "").strip()
    if not justification:
        raise ValidationError(
            {
                "justification": _(
                    "Give the justification of the decision: it is kept in the audit log with the "
                    "outcome."
                )
            }
        )
    application = Application.objects.select_for_update().get(pk=application.pk)
    fields = ("eligibility", "eligibility_overridden", "eligibility_justification")
    before = audit.snapshot(application, fields)
    application.eligibility = (
        Application.Eligibility.ELIGIBLE if eligible else Application.Eligibility.INELIGIBLE
    )
    application.eligibility_overridden = True
    application.eligibility_justification = justification
    if application.eligibility != before["eligibility"]:
        application.eligibility_notified_at = None  # the applicants are told the new outcome
    application.save(update_fields=[*fields, "eligibility_notified_at", "updated_at"])
    changes = audit.diff(before, audit.snapshot(application, fields))
    changes["eligibility_justification"] = [
        before["eligibility_justification"] or None,
        justification,
    ]
    audit.record(actor=actor, action="calls.eligibility.override", obj=application, changes=changes)
    if "eligibility" in changes:
        _resync_review(call=application.call, actor=actor)
    return application


def _resync_review(*, call: Call, actor) -> None:
    """Once review has begun, the exercise follows eligibility at once: an application no
    longer eligible leaves it with its assignments, one now eligible joins it."""
    from jumelage.calls.services.review import exercise_of, sync_items

    if exercise_of(call) is not None:
        sync_items(call=call, actor=actor)


# --- Reasons --------------------------------------------------------------------------


def _lead_problem_text(problem: dict) -> str:
    kind = problem["kind"]
    if kind == "no_lead":
        return _("There is no confirmed lead whose position could be checked.")
    values = {"name": problem.get("name", ""), "pole": problem.get("pole", "")}
    if kind == "not_in_directory":
        return (
            _(
                "%(name)s, lead for %(pole)s, has no profile in the directory: the position "
                "and institution cannot be checked."
            )
            % values
        )
    if kind == "no_stage":
        return _(
            "%(name)s, lead for %(pole)s, has no career stage in the directory; the call "
            "accepts: %(accepted)s."
        ) % {**values, "accepted": _names(_career_stage(c) for c in problem["accepted"])}
    if kind == "position":
        return _(
            "%(name)s, lead for %(pole)s, is “%(found)s” in the directory; the call "
            "accepts: %(accepted)s."
        ) % {
            **values,
            "found": _career_stage(problem["found"]),
            "accepted": _names(_career_stage(c) for c in problem["accepted"]),
        }
    if kind == "no_institution":
        return (
            _(
                "%(name)s, lead for %(pole)s, has no current institution in the directory "
                "or on the application."
            )
            % values
        )
    return _(
        "%(name)s, lead for %(pole)s, works at %(found)s, which is not a member "
        "institution of %(pole)s."
    ) % {**values, "found": _names(_name(n) for n in problem["found"])}


def _side_text(side: dict) -> str:
    return _("%(pole)s: %(total)s of at most %(max)s") % {
        "pole": side["pole"],
        "total": format_money(Decimal(side["total"]), side["currency"], both_currencies=True),
        "max": format_money(Decimal(side["max"]), side["currency"], both_currencies=True),
    }


def reason_text(check: EligibilityCheck) -> str:
    """What a rule found and what the call requires, in the reader's language."""
    p = check.params or {}
    rule = check.rule
    if rule == "lead_per_pole":
        if check.passed:
            return _("Each funding pole has a confirmed lead: %(leads)s.") % {
                "leads": _parts(f"{pole} – {name}" for pole, name in p["leads"])
            }
        return _(
            "No confirmed lead for %(missing)s; the call requires a confirmed lead for "
            "each funding pole (%(poles)s)."
        ) % {"missing": _names(p["missing"]), "poles": _names(p["poles"])}
    if rule == "lead_position":
        if check.passed:
            return _(
                "The lead of each side holds an eligible position at a member "
                "institution of that side’s pole."
            )
        return " ".join(_lead_problem_text(problem) for problem in p["problems"])
    if rule == "third_country_unfunded":
        if check.passed:
            if not p["outside"]:
                return _("No collaborator from outside both poles.")
            return _("Unfunded collaborators from outside both poles: %(names)s.") % {
                "names": _names(p["outside"])
            }
        parts = []
        if p["refused"]:
            parts.append(
                _(
                    "This call does not accept collaborators from outside both poles; "
                    "the application names %(names)s."
                )
                % {"names": _names(p["refused"])}
            )
        if p["not_collaborators"]:
            parts.append(
                _(
                    "%(names)s, from outside both poles, may only be unfunded "
                    "collaborators, not leads or co-applicants."
                )
                % {"names": _names(p["not_collaborators"])}
            )
        if p["budget_poles"]:
            parts.append(
                _(
                    "The budget has lines for %(poles)s, which does not fund this "
                    "call: only the funding poles’ sides may ask for money."
                )
                % {"poles": _names(p["budget_poles"])}
            )
        return " ".join(parts)
    if rule == "required_documents":
        if check.passed:
            if not p["required"]:
                return _("The call requires no document.")
            return _("Every required document is attached: %(required)s.") % {
                "required": _names(_document(k) for k in p["required"])
            }
        return _("Missing: %(missing)s; the call requires %(required)s.") % {
            "missing": _names(_document(k) for k in p["missing"]),
            "required": _names(_document(k) for k in p["required"]),
        }
    if rule == "word_limits":
        values = {k: format_number(v) for k, v in p.items()}
        if check.passed:
            return _(
                "Abstract: %(abstract)s words (at most %(abstract_limit)s); project "
                "description: %(description)s words (at most %(description_limit)s)."
            ) % (values)
        parts = []
        if p["abstract"] > p["abstract_limit"]:
            parts.append(
                _("The abstract has %(abstract)s words, over the limit of %(abstract_limit)s.")
                % values
            )
        if p["description"] > p["description_limit"]:
            parts.append(
                _(
                    "The project description has %(description)s words, over the limit "
                    "of %(description_limit)s."
                )
                % values
            )
        return " ".join(parts)
    if rule == "budget_caps":
        if check.passed:
            return _("Each side asks for no more than its cap: %(sides)s.") % {
                "sides": _parts(_side_text(s) for s in p["sides"])
            }
        return _("Over the cap: %(sides)s.") % {
            "sides": _parts(_side_text(s) for s in p["sides"] if s["pole"] in p["over"])
        }
    if rule == "duration":
        values = {"months": p["months"], "min": p["min"], "max": p["max"]}
        if p["months"] is None:
            return _("No duration is given; the call accepts %(min)d to %(max)d months.") % (values)
        if check.passed:
            return _("%(months)d months, within the call’s %(min)d to %(max)d months.") % (values)
        return (
            _("%(months)d months is outside the call’s range of %(min)d to %(max)d months.")
            % values
        )
    return rule


def rule_name(rule: str) -> str:
    return str(RULE_NAMES.get(rule, rule))


def eligibility_reasons(application: Application) -> list[tuple[bool, str]]:
    """Every rule's result and reason for the application, in the order of the rules
    (uses `application.eligibility_checks` as prefetched, if it is)."""
    order = {rule: i for i, rule in enumerate(RULES)}
    checks = sorted(
        application.eligibility_checks.all(), key=lambda c: (order.get(c.rule, len(order)), c.pk)
    )
    return [(c.passed, reason_text(c)) for c in checks]


# --- Telling the applicants -----------------------------------------------------------


def _send_outcome(application_id: int, site_url: str) -> None:
    application = (
        Application.objects.select_related("call", "created_by")
        .prefetch_related("eligibility_checks")
        .get(pk=application_id)
    )
    for email, language in notify.recipients(application):
        with translation.override(language):
            failed = [text for passed, text in eligibility_reasons(application) if not passed]
            eligible = application.eligibility == Application.Eligibility.ELIGIBLE
            context = {
                "application": application,
                "call": application.call,
                "eligible": eligible,
                "reasons": [] if eligible else failed,
                "overridden": application.eligibility_overridden,
                "link": site_url + reverse("calls:application", args=[application.pk])
                if _has_application_url()
                else "",
            }
            subject = " ".join(
                render_to_string("calls/email/eligibility_outcome_subject.txt", context).split()
            )
            body = render_to_string("calls/email/eligibility_outcome_body.txt", context)
        send_email.enqueue(
            subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[email]
        )


def _has_application_url() -> bool:
    from django.urls import NoReverseMatch

    try:
        reverse("calls:application", args=[1])
    except NoReverseMatch:
        return False
    return True


@transaction.atomic
def notify_eligibility(*, call: Call, actor, site_url: str = "") -> int:
    """Email the applicants of each checked application the outcome (with the reasons of the
    rules it failed), once per application. Returns how many applications were notified."""
    _require_manager(actor, call)
    site_url = site_url or notify.site_url()
    now = timezone.now()
    pending = list(
        Application.objects.select_for_update()
        .filter(
            call=call,
            stage=Application.Stage.FULL,
            status=Application.Status.SUBMITTED,
            eligibility_notified_at__isnull=True,
        )
        .exclude(eligibility=Application.Eligibility.PENDING)
        .order_by("reference")
    )
    for application in pending:
        application.eligibility_notified_at = now
        application.save(update_fields=["eligibility_notified_at", "updated_at"])
        audit.record(
            actor=actor,
            action="calls.eligibility.notify",
            obj=application,
            changes={
                "eligibility_notified_at": [None, now.isoformat()],
                "eligibility": [None, application.eligibility],
            },
        )
        transaction.on_commit(functools.partial(_send_outcome, application.pk, site_url))
    return len(pending)


__all__ = [
    "RULES",
    "check_eligibility",
    "eligibility_reasons",
    "notify_eligibility",
    "override_eligibility",
    "reason_text",
    "rule_name",
    "run_eligibility",
]
