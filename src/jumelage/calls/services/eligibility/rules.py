"""The seven eligibility rules of a joint call and `check_eligibility`, which runs them.

Each rule returns whether the application passes and what it found and what the call requires
(stored in `EligibilityCheck.params`; `reasons.reason_text` turns that into a sentence).
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from jumelage.calls.models import Application, Call, EligibilityCheck, Participant
from jumelage.calls.services.applications import count_words
from jumelage.calls.services.applications.budget import side_totals
from jumelage.directory.models import Affiliation, Institution, Person


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
    totals = side_totals(application)
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
RULES = tuple(CHECKS)


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
