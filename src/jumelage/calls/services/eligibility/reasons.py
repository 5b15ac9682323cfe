"""The reasons of the eligibility checks, in the reader's language: the same sentence for
staff, the applicants' emails and the application page."""

from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jumelage.calls.models import Application, DocumentKind, EligibilityCheck
from jumelage.calls.services.eligibility.rules import RULES
from jumelage.core.formatting import format_money, format_number
from jumelage.core.i18n import current_content_language
from jumelage.directory.models import Person

RULE_NAMES = {
    "lead_per_pole": gettext_lazy("A lead for each funding pole"),
    "lead_position": gettext_lazy("Position and institution of the leads"),
    "third_country_unfunded": gettext_lazy("Collaborators from outside both poles"),
    "required_documents": gettext_lazy("Required documents"),
    "word_limits": gettext_lazy("Word limits"),
    "budget_caps": gettext_lazy("Budget caps"),
    "duration": gettext_lazy("Duration"),
}


def _name(names: dict) -> str:
    """A name stored in both languages ({"fr": ..., "en": ...}), in the reader's."""
    return names.get(current_content_language()) or names.get("fr") or names.get("en") or ""


def _names(values: Iterable[str]) -> str:
    return ", ".join(values)


def _parts(values: Iterable[str]) -> str:
    """Parts of a list joined by semicolons, with the no-break space French wants."""
    return ("\u00a0; " if current_content_language() == "fr" else "; ").join(values)


def _career_stage(code: str) -> str:
    return str(dict(Person.CareerStage.choices).get(code, code))


def _document(code: str) -> str:
    return str(dict(DocumentKind.choices).get(code, code))


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
