"""Who may prepare and approve a joint call: staff of a pole that funds it."""

import rules

from jumelage.accounts.rules import is_pole_staff


@rules.predicate
def is_funding_pole_staff(user, call) -> bool:
    if call is None or not is_pole_staff(user):
        return False
    return call.envelopes.filter(pole_id=user.pole_id).exists()


rules.add_perm("calls.change_call", is_funding_pole_staff)
rules.add_perm("calls.approve_call", is_funding_pole_staff)
