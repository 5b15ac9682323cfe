"""Who may run and change a review exercise's assignment, and find partners."""

import rules

from jumelage.accounts.rules import is_pole_staff, is_pole_staff_of, is_site_admin


@rules.predicate
def is_exercise_manager(user, exercise) -> bool:
    """Staff of the pole that manages the exercise; of either pole when it names none; for a
    owner that names a `review_manager_permission` (a joint call), whoever has it on the owner."""
    if exercise is None:
        return False
    owner = exercise.owner if exercise.content_type_id else None
    permission = getattr(owner, "review_manager_permission", None)
    if permission is not None:
        # The owner (a joint call, say) names who manages its review: nobody else does.
        return bool(user.has_perm(permission, owner))
    if exercise.pole_id is None:
        return bool(is_pole_staff(user))
    return bool(is_pole_staff_of(user, exercise))


can_manage_exercise = is_exercise_manager | is_site_admin

# See suggestions, conflicts and loads; run the solver; assign, swap and remove by hand.
rules.add_perm("matching.manage_exercise", can_manage_exercise)

# The list of review exercises (each one is then checked with manage_exercise).
rules.add_perm("matching.list_exercises", is_pole_staff | is_site_admin)
