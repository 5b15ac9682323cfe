"""Writes of applications to joint calls, one module per concern: the draft (start, save with
optimistic concurrency), the consortium, the budget per side, private PDF attachments, submission
with a receipt, the two stages (letters of intent, then full proposals by invitation) and staff
amendments and withdrawal. Each write is one transaction, checked and audited.

Every public name is re-exported here: `from jumelage.calls.services import applications`."""

from jumelage.calls.services.applications.attachments import (
    add_attachment,
    remove_attachment,
    storages_private,
)
from jumelage.calls.services.applications.budget import set_budget, side_totals
from jumelage.calls.services.applications.common import (
    AMENDABLE_FIELDS,
    DRAFT_FIELDS,
    STEP_NAMES,
    STEPS,
    Missing,
    StaleDraft,
    audit_trail,
    count_words,
    deadline_of,
    draft_values,
    funding_poles,
)
from jumelage.calls.services.applications.consortium import (
    acceptance_blocker,
    invite_participant,
    is_invited_account,
    masked_email,
    remove_participant,
    respond_to_invitation,
)
from jumelage.calls.services.applications.drafts import save_draft, start_application
from jumelage.calls.services.applications.staff import (
    amend_application,
    can_withdraw,
    may_withdraw,
    withdraw_application,
    withdrawal_blocker,
)
from jumelage.calls.services.applications.stages import decline_intents, invite_full_proposals
from jumelage.calls.services.applications.submission import (
    canonical_content,
    content_hash,
    missing_items,
    send_receipt,
    submit_application,
)

__all__ = [
    "AMENDABLE_FIELDS",
    "DRAFT_FIELDS",
    "STEPS",
    "STEP_NAMES",
    "Missing",
    "StaleDraft",
    "acceptance_blocker",
    "add_attachment",
    "amend_application",
    "audit_trail",
    "can_withdraw",
    "canonical_content",
    "content_hash",
    "count_words",
    "deadline_of",
    "decline_intents",
    "draft_values",
    "funding_poles",
    "invite_full_proposals",
    "invite_participant",
    "is_invited_account",
    "masked_email",
    "may_withdraw",
    "missing_items",
    "remove_attachment",
    "remove_participant",
    "respond_to_invitation",
    "save_draft",
    "send_receipt",
    "set_budget",
    "side_totals",
    "start_application",
    "storages_private",
    "submit_application",
    "withdraw_application",
    "withdrawal_blocker",
]
