"""Call set-up pages: the public list and page of each call, and for the staff of the funding
poles the forms that prepare a draft call, the two-key approval and the call's dashboard."""

from decimal import Decimal

from babel.numbers import format_decimal
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jumelage.accounts.rules import is_pole_staff, is_site_admin
from jumelage.calls import services
from jumelage.calls.forms.setup import CallForm, EnvelopeRows, criterion_formset
from jumelage.calls.models import Application, Call, DocumentKind, Envelope
from jumelage.calls.services.setup import approval_fingerprint
from jumelage.calls.views.common import call_for, show_errors
from jumelage.calls.zones import PARIS
from jumelage.core.formatting import babel_locale, format_money
from jumelage.directory.models import Person

# The other parts of a call's life, linked from its dashboard.
INTENTS = ("calls:intents", gettext_lazy("Letters of intent"))
PARTS = (
    ("calls:eligibility", gettext_lazy("Eligibility")),
    ("calls:review_board", gettext_lazy("Review progress")),
    ("calls:ranking", gettext_lazy("Ranking and panel")),
    ("calls:decisions", gettext_lazy("Funding decisions")),
    ("calls:followup", gettext_lazy("Awards and reports")),
    ("calls:exports", gettext_lazy("Exports")),
)


def _calls():
    return Call.objects.prefetch_related(
        Prefetch(
            "envelopes", queryset=Envelope.objects.select_related("pole").order_by("pole__code")
        ),
        "themes",
    )


def _state(call: Call, now) -> str:
    if call.status == Call.Status.DRAFT:
        return "draft"
    if now < call.opens_at:
        return "upcoming"
    if now < call.closes_at:
        return "open"
    return "closed"


def _number(value: Decimal, places: int) -> str:
    """A rate or a weight in the reader's language, without trailing zeros ("0,68")."""
    return format_decimal(value, format="#,##0." + "#" * places, locale=babel_locale())


def call_list(request):
    """Published calls for everyone; drafts for the staff of their funding poles."""
    user = request.user
    visible = ~Q(status=Call.Status.DRAFT)
    if is_site_admin(user):
        visible = Q()
    elif is_pole_staff(user):
        visible |= Q(pk__in=Envelope.objects.filter(pole_id=user.pole_id).values("call_id"))
    now = timezone.now()
    groups = {"draft": [], "open": [], "upcoming": [], "closed": []}
    for call in _calls().filter(visible).order_by("closes_at", "pk"):
        groups[_state(call, now)].append(call)
    groups["closed"].reverse()
    sections = [
        ("open", _("Open calls"), groups["open"]),
        ("upcoming", _("Upcoming calls"), groups["upcoming"]),
        ("closed", _("Closed calls"), groups["closed"]),
    ]
    return render(
        request,
        "calls/call_list.html",
        {"drafts": groups["draft"], "sections": sections, "can_create": is_pole_staff(user)},
    )


def _envelope_rows(call: Call) -> tuple[list[dict], str | None]:
    """Each envelope in its currency and in the consolidation currency, and the total."""
    rows, total = [], Decimal("0")
    target = call.consolidation_currency
    for envelope in call.envelopes.all():
        consolidated = envelope.amount * envelope.exchange_rate
        total += consolidated
        rows.append(
            {
                "envelope": envelope,
                "amount": format_money(envelope.amount, envelope.currency, both_currencies=True),
                "max_request": format_money(
                    envelope.max_request, envelope.currency, both_currencies=True
                ),
                "rate": _number(envelope.exchange_rate, 6),
                "consolidated": format_money(
                    consolidated.quantize(Decimal("0.01")), target, both_currencies=True
                ),
            }
        )
    return rows, (
        format_money(total.quantize(Decimal("0.01")), target, both_currencies=True)
        if rows
        else None
    )


def call_detail(request, pk: int):
    call = get_object_or_404(_calls(), pk=pk)
    if not request.user.has_perm("calls.view_call", call):
        raise Http404
    now = timezone.now()
    envelopes, total = _envelope_rows(call)
    positions = dict(Person.CareerStage.choices)
    documents = dict(DocumentKind.choices)
    apply_url = reverse("calls:apply", args=[call.pk]) if _state(call, now) == "open" else None
    return render(
        request,
        "calls/call_detail.html",
        {
            "call": call,
            "state": _state(call, now),
            "envelopes": envelopes,
            "total": total,
            "poles": [e.pole for e in call.envelopes.all()],
            "positions": [positions.get(p, p) for p in call.eligible_positions],
            "documents": [documents.get(d, d) for d in call.required_documents],
            "criteria": [
                (c, _number(c.weight, 2)) for c in call.criteria.order_by("position", "pk")
            ],
            "apply_url": apply_url,
            "can_manage": request.user.has_perm("calls.manage_call", call),
        },
    )


def _render_form(request, *, call, form, envelopes, criteria, approvals=()):
    return render(
        request,
        "calls/call_form.html",
        {
            "call": call,
            "form": form,
            "envelope_rows": envelopes,
            "criteria": criteria,
            "approvals": approvals,
        },
    )


def _time_zone_of(user) -> str:
    pole = getattr(user, "pole", None)
    return getattr(pole, "time_zone", None) or PARIS


@login_required
def call_create(request):
    if not is_pole_staff(request.user):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    zone = _time_zone_of(request.user)
    form = CallForm(data, time_zone=zone)
    envelopes = EnvelopeRows(data, actor=request.user)
    criteria = criterion_formset(data)
    if data is not None:
        valid = [form.is_valid(), envelopes.is_valid(), criteria.is_valid()]
        if all(valid):
            try:
                call = services.create_call(
                    data=form.changes(),
                    envelopes=envelopes.envelopes(),
                    criteria=criteria.criteria(),
                    actor=request.user,
                )
            except ValidationError as error:
                show_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "The draft call is saved. Each funding pole must now approve it before it "
                        "is published."
                    ),
                )
                return redirect("calls:manage", pk=call.pk)
    return _render_form(request, call=None, form=form, envelopes=envelopes, criteria=criteria)


@login_required
def call_edit(request, pk: int):
    call = call_for(request, pk, "calls.change_call", queryset=_calls())
    if call.status != Call.Status.DRAFT:
        messages.error(request, _("The call is published: it can no longer be changed."))
        return redirect("calls:manage", pk=call.pk)
    approvals = list(call.approvals.select_related("pole", "approved_by").order_by("pole__code"))
    data = request.POST if request.method == "POST" else None
    form = CallForm(
        data, instance=Call.objects.get(pk=call.pk), time_zone=_time_zone_of(request.user)
    )
    envelopes = EnvelopeRows(data, call=call, actor=request.user)
    criteria = criterion_formset(data, call=call)
    if data is not None:
        valid = [form.is_valid(), envelopes.is_valid(), criteria.is_valid()]
        if all(valid):
            try:
                with transaction.atomic():
                    services.update_call(call=call, changes=form.changes(), actor=request.user)
                    services.set_envelopes(
                        call=call, envelopes=envelopes.envelopes(), actor=request.user
                    )
                    services.set_criteria(
                        call=call, criteria=criteria.criteria(), actor=request.user
                    )
            except ValidationError as error:
                show_errors(form, error)
            else:
                if approvals and not call.approvals.exists():
                    messages.warning(
                        request,
                        _(
                            "The call is saved. The approvals given before this change are taken "
                            "back: each funding pole must approve the call again."
                        ),
                    )
                else:
                    messages.success(request, _("The call is saved."))
                return redirect("calls:manage", pk=call.pk)
    return _render_form(
        request, call=call, form=form, envelopes=envelopes, criteria=criteria, approvals=approvals
    )


@require_POST
@login_required
def call_approve(request, pk: int):
    call = call_for(request, pk, "calls.approve_call", queryset=_calls())
    was_draft = call.status == Call.Status.DRAFT
    try:
        # The digest of the text shown on the manage page: without it, nothing is approved.
        call = services.approve_call(
            call=call, actor=request.user, fingerprint=request.POST.get("fingerprint", "")
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("calls:manage", pk=call.pk)
    if was_draft and call.status == Call.Status.PUBLISHED:
        messages.success(request, _("Every funding pole has approved the call: it is published."))
    elif was_draft:
        messages.success(
            request,
            _(
                "%(pole)s has approved the call. It will be published "
                "when every funding pole has approved it."
            )
            % {"pole": request.user.pole.short_name},
        )
    else:
        messages.info(request, _("The call is already published."))
    return redirect("calls:manage", pk=call.pk)


def _counts(call: Call, field: str, choices) -> list[tuple[str, int]]:
    found = dict(
        Application.objects.filter(call=call).values_list(field).annotate(n=Count("pk")).order_by()
    )
    return [(label, found.get(value, 0)) for value, label in choices]


@login_required
def call_manage(request, pk: int):
    call = call_for(request, pk, queryset=_calls())
    user = request.user
    approvals = list(call.approvals.select_related("pole", "approved_by").order_by("pole__code"))
    approved = {a.pole_id for a in approvals}
    pending = [e.pole for e in call.envelopes.all() if e.pole_id not in approved]
    parts = (INTENTS, *PARTS) if call.two_stage else PARTS
    links = [(reverse(name, args=[call.pk]), label) for name, label in parts]
    can_approve = (
        call.status == Call.Status.DRAFT
        and user.has_perm("calls.approve_call", call)
        and user.pole_id not in approved
    )
    return render(
        request,
        "calls/call_manage.html",
        {
            "call": call,
            "state": _state(call, timezone.now()),
            "approvals": approvals,
            "pending": pending,
            "links": links,
            "can_change": call.status == Call.Status.DRAFT
            and user.has_perm("calls.change_call", call),
            "can_approve": can_approve,
            # What the approval button approves: the call as shown now.
            "fingerprint": approval_fingerprint(call) if can_approve else None,
            "total": Application.objects.filter(call=call).count(),
            "by_status": _counts(call, "status", Application.Status.choices),
            "by_eligibility": _counts(call, "eligibility", Application.Eligibility.choices),
            "by_outcome": _counts(call, "outcome", Application.Outcome.choices),
        },
    )


urlpatterns = [
    path("", call_list, name="list"),
    path("new/", call_create, name="create"),
    path("<int:pk>/", call_detail, name="detail"),
    path("<int:pk>/edit/", call_edit, name="edit"),
    path("<int:pk>/approve/", call_approve, name="approve"),
    path("<int:pk>/manage/", call_manage, name="manage"),
]
