"""Who may see what in the directory."""

import rules

from jumelage.accounts.rules import is_pole_staff, is_site_admin


@rules.predicate
def has_public_profile(user, person) -> bool:
    return bool(person is not None and person.public_profile)


@rules.predicate
def is_profile_owner(user, person) -> bool:
    return bool(person is not None and user.is_authenticated and person.user_id == user.pk)


@rules.predicate
def is_staff_of_persons_pole(user, person) -> bool:
    """Pole staff see the private entries of people affiliated with their pole."""
    if person is None or not is_pole_staff(user):
        return False
    return person.affiliations.filter(institution__pole_id=user.pole_id).exists()


can_view_person = has_public_profile | is_profile_owner | is_site_admin | is_staff_of_persons_pole
can_edit_person = is_profile_owner | is_site_admin

rules.add_perm("directory.view_person", can_view_person)
rules.add_perm("directory.change_person", can_edit_person)
rules.add_perm("directory.view_private_people", is_site_admin | is_pole_staff)
