"""Permission predicates about people and their roles (django-rules)."""

import rules


@rules.predicate
def is_site_admin(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_site_admin)


@rules.predicate
def is_pole_staff(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == "pole_staff"
                and user.pole_id is not None)


@rules.predicate
def is_pole_staff_of(user, pole) -> bool:
    """Staff of this very pole (`pole` is a Pole, or anything with a `pole_id`)."""
    if pole is None or not is_pole_staff(user):
        return False
    # An object outside every pole (pole_id None) must not fall back to its own primary key.
    pole_id = pole.pole_id if hasattr(pole, "pole_id") else pole.pk
    return pole_id is not None and user.pole_id == pole_id


rules.add_perm("core.view_auditentry", is_site_admin)
