"""Review of a joint call's applications.

The call owns one review exercise of the matching engine (`ensure_exercise`), whose items are
the call's submitted, eligible applications (`sync_items`): the engine computes the conflicts of
interest (same institution or a parent, named on the application, same team, co-authorship) and
proposes the assignment; staff adjust it on the matching pages. Reviewers declare conflicts
themselves (then they lose access at once), save and submit their reviews, and are reminded.

Every public name is re-exported here: `from jumelage.calls.services import review`.
"""

from jumelage.calls.services.review.conflicts import counted_reviews, declare_conflict
from jumelage.calls.services.review.exercise import (
    ensure_exercise,
    exercise_of,
    item_of,
    sync_items,
)
from jumelage.calls.services.review.reminders import (
    REMINDER_INTERVAL,
    REVIEWING,
    send_review_reminders,
)
from jumelage.calls.services.review.reviews import REVIEW_FIELDS, review_state, save_review

__all__ = [
    "REMINDER_INTERVAL",
    "REVIEWING",
    "REVIEW_FIELDS",
    "counted_reviews",
    "declare_conflict",
    "ensure_exercise",
    "exercise_of",
    "item_of",
    "review_state",
    "save_review",
    "send_review_reminders",
    "sync_items",
]
