"""The models of joint calls, split by entity."""

from jumelage.calls.models.application import (
    Application,
    Attachment,
    BudgetCategory,
    BudgetLine,
    EligibilityCheck,
    Participant,
    Receipt,
)
from jumelage.calls.models.award import Award, Instalment, Report, ReportSpending
from jumelage.calls.models.call import Call, CallApproval, Criterion, DocumentKind, Envelope
from jumelage.calls.models.review import (
    Decision,
    FundingScenario,
    PanelNote,
    Review,
    ReviewScore,
)

__all__ = [
    "Application", "Attachment", "Award", "BudgetCategory", "BudgetLine", "Call",
    "CallApproval", "Criterion", "Decision", "DocumentKind", "EligibilityCheck",
    "Envelope", "FundingScenario", "Instalment", "PanelNote", "Participant", "Receipt",
    "Report", "ReportSpending", "Review", "ReviewScore",
]
