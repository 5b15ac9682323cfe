"""GET /calls and /calls/{id}: published calls for everyone; drafts for those who may see
them (calls.view_call: the staff of their funding poles and the site admin)."""

from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.pagination import paginate

from jumelage.accounts.rules import is_pole_staff, is_site_admin
from jumelage.api.auth import session_or_anonymous
from jumelage.api.pagination import Pagination
from jumelage.api.schemas import CallDetail, CallSummary
from jumelage.calls.models import Call, Envelope

router = Router(tags=["calls"], auth=session_or_anonymous)


def _calls():
    return Call.objects.prefetch_related(
        Prefetch(
            "envelopes", queryset=Envelope.objects.select_related("pole").order_by("pole__code")
        ),
        "themes",
        "criteria",
    )


@router.get("/calls", response=list[CallSummary], url_name="call_list")
@paginate(Pagination, page_size=50)
def call_list(request):
    """Published calls, and the drafts the caller may see; the latest to close first."""
    user = request.user
    visible = ~Q(status=Call.Status.DRAFT)
    if is_site_admin(user):
        visible = Q()
    elif is_pole_staff(user):
        visible |= Q(pk__in=Envelope.objects.filter(pole_id=user.pole_id).values("call_id"))
    calls = Call.objects.filter(visible).order_by("-closes_at", "-pk")
    # The query narrows; the rule decides (it costs nothing on published calls).
    return [call for call in calls if user.has_perm("calls.view_call", call)]


@router.get("/calls/{call_id}", response=CallDetail, url_name="call_detail")
def call_detail(request, call_id: int):
    """One call in both languages, its envelopes and criteria. A draft is 404 for those who
    may not see it."""
    call = get_object_or_404(_calls(), pk=call_id)
    if not request.user.has_perm("calls.view_call", call):
        raise Http404
    return call
