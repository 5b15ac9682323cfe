"""Writes for joint calls, one module per stage of a call's life. Call set-up is re-exported
here because it is what most callers need."""

from jumelage.calls.services.setup import (
    approve_call,
    create_call,
    set_criteria,
    set_envelopes,
    update_call,
)

__all__ = ["approve_call", "create_call", "set_criteria", "set_envelopes", "update_call"]
