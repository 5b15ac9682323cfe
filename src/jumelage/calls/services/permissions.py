"""The one check the services of a call's management share."""

from django.core.exceptions import PermissionDenied


def require_manager(actor, call) -> None:
    """Staff of a pole funding the call, or the site admin (`calls.manage_call`); else
    PermissionDenied. `actor` None (a scheduled job) is refused too."""
    if actor is None or not actor.has_perm("calls.manage_call", call):
        raise PermissionDenied
