"""Who may do what with joint calls (django-rules).

- Staff of a pole that funds a call prepare it, approve it, manage its applications, review,
  panel and awards, and decide for their own pole. The site admin may manage (not approve or
  decide).
- Applicants (the creator and the confirmed members of the consortium) see and edit their
  application while it is a draft and the call is open.
- An assigned reviewer sees the application they review, unless they declared a conflict of
  interest on it: then they see nothing of it anywhere.
"""

import rules

from jumelage.accounts.rules import is_pole_staff, is_site_admin


def _call_of(obj):
    return getattr(obj, "call", obj)


@rules.predicate
def is_funding_pole_staff(user, obj) -> bool:
    """Staff of a pole that funds the call (obj: a call, or anything with a `call`)."""
    if obj is None or not is_pole_staff(user):
        return False
    call = _call_of(obj)
    return call.envelopes.filter(pole_id=user.pole_id).exists()


@rules.predicate
def is_published_call(user, call) -> bool:
    return call is not None and call.status != "draft"


@rules.predicate
def is_applicant(user, application) -> bool:
    """The creator of the application or a confirmed member of its consortium."""
    if application is None or not user.is_authenticated:
        return False
    if application.created_by_id == user.pk:
        return True
    return application.participants.filter(person__user=user, status="confirmed").exists()


@rules.predicate
def is_assigned_reviewer(user, application) -> bool:
    """Assigned to review the application in the call's review exercise and not conflicted
    (a conflict declared after assignment withdraws access at once)."""
    if application is None or not user.is_authenticated:
        return False
    from jumelage.matching.models import Assignment, DeclaredConflict

    person = getattr(user, "person", None)
    if person is None:
        return False
    item_filter = {"item__content_type__app_label": "calls",
                   "item__content_type__model": "application",
                   "item__object_id": application.pk}
    if DeclaredConflict.objects.filter(person=person, **item_filter).exists():
        return False
    return Assignment.objects.filter(reviewer=person, **item_filter).exists()


@rules.predicate
def is_editable_application(user, application) -> bool:
    return application is not None and application.status == "draft"


can_manage_call = is_funding_pole_staff | is_site_admin

rules.add_perm("calls.change_call", is_funding_pole_staff)
rules.add_perm("calls.approve_call", is_funding_pole_staff)
rules.add_perm("calls.view_call", is_published_call | can_manage_call)
# Applications, eligibility, review exercise, progress board, panel, awards and exports.
rules.add_perm("calls.manage_call", can_manage_call)
# Record a decision for one's own pole: checked again against the application's sides.
rules.add_perm("calls.decide", is_funding_pole_staff)
rules.add_perm("calls.list_managed_calls", is_pole_staff | is_site_admin)

# Staff read an application once it is submitted: a draft is the applicants' own work.
rules.add_perm("calls.view_application",
               is_applicant | is_assigned_reviewer | (can_manage_call & ~is_editable_application))
rules.add_perm("calls.change_application", is_applicant & is_editable_application)
rules.add_perm("calls.review_application", is_assigned_reviewer)
# What applicants see of the outcome: the decision and the comments meant for them.
rules.add_perm("calls.view_outcome",
               is_applicant | (can_manage_call & ~is_editable_application))
