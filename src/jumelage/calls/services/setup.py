"""Writes for joint calls. A call is published only when the staff of every funding pole have
approved it as it stands: a change to an approved call takes the approvals back."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jumelage.calls.models import Call, CallApproval
from jumelage.core import audit

EDITABLE = ("title_fr", "title_en", "summary_fr", "summary_en", "opens_at", "closes_at",
            "reviewers_per_application", "max_reviewer_load")


@transaction.atomic
def update_call(*, call: Call, changes: dict, actor) -> Call:
    """Change a draft call; approvals already given are taken back (audited), since the
    poles approved another text."""
    if not actor.has_perm("calls.change_call", call):
        raise PermissionDenied
    if call.status == Call.Status.PUBLISHED:
        raise ValidationError(_("The call is published: it can no longer be changed."))
    before = audit.snapshot(call, EDITABLE)
    for name, value in changes.items():
        if name not in EDITABLE:
            raise ValueError(f"{name} is not a field of the call that can be changed")
        setattr(call, name, value)
    call.full_clean()
    call.save()
    diff = audit.diff(before, audit.snapshot(call, EDITABLE))
    if diff:
        withdrawn = sorted(a.pole.code for a in call.approvals.select_related("pole"))
        call.approvals.all().delete()
        if withdrawn:
            diff["approvals"] = [withdrawn, []]
        audit.record(actor=actor, action="calls.update", obj=call, changes=diff)
    return call


@transaction.atomic
def approve_call(*, call: Call, actor) -> Call:
    """The actor's pole turns its key; the last funding pole to approve publishes the call."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if not actor.has_perm("calls.approve_call", call):
        raise PermissionDenied
    if call.status == Call.Status.PUBLISHED:
        return call
    _approval, created = CallApproval.objects.get_or_create(
        call=call, pole_id=actor.pole_id, defaults={"approved_by": actor})
    if created:
        audit.record(actor=actor, action="calls.approve", obj=call,
                     changes={"approved_by_pole": [None, actor.pole.code]})
    funders = set(call.envelopes.values_list("pole_id", flat=True))
    approved = set(call.approvals.values_list("pole_id", flat=True))
    if funders and funders <= approved:
        call.status = Call.Status.PUBLISHED
        call.published_at = timezone.now()
        call.save(update_fields=["status", "published_at", "updated_at"])
        audit.record(actor=actor, action="calls.publish", obj=call,
                     changes={"status": [Call.Status.DRAFT, Call.Status.PUBLISHED]})
    return call
