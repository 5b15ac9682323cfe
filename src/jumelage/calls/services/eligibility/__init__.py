"""Eligibility of the applications to a joint call: one check per rule, with its reason.

Each rule stores what it found and what the call requires (`EligibilityCheck.params`), and
`reason_text` turns that into a sentence in the reader's language, so that staff, the
applicants' emails and the application page all say the same thing. Staff may override the
outcome with a justification; the applicants are told once.

Every public name is re-exported here: `from jumelage.calls.services import eligibility`.
"""

from jumelage.calls.services.eligibility.applicants import notify_eligibility
from jumelage.calls.services.eligibility.outcome import override_eligibility, run_eligibility
from jumelage.calls.services.eligibility.reasons import (
    RULE_NAMES,
    eligibility_reasons,
    reason_text,
    rule_name,
)
from jumelage.calls.services.eligibility.rules import CHECKS, RULES, check_eligibility

__all__ = [
    "CHECKS",
    "RULES",
    "RULE_NAMES",
    "check_eligibility",
    "eligibility_reasons",
    "notify_eligibility",
    "override_eligibility",
    "reason_text",
    "rule_name",
    "run_eligibility",
]
