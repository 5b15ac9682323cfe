"""Views of joint calls: eligibility (staff), the review progress board (staff), a reviewer's
list of reviews, the review form and the declaration of a conflict of interest.

A reviewer sees only their own review: never the other reviewers' names, scores or
confidential comments. A reviewer who declared a conflict sees nothing of the application.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from jumelage.calls.forms.review import ConflictForm, EligibilityOverrideForm, ReviewForm
from jumelage.calls.models import (
    Application,
    Attachment,
    Call,
    EligibilityCheck,
    Participant,
    Review,
)
from jumelage.calls.services import eligibility as eligibility_services
from jumelage.calls.services import review as review_services
from jumelage.calls.views.common import application_for, call_for, show_errors, try_service
from jumelage.matching.models import Assignment, DeclaredConflict

# --- Helpers --------------------------------------------------------------------------


def _attachment_url(attachment: Attachment) -> str | None:
    try:
        return reverse("calls:attachment", args=[attachment.pk])
    except NoReverseMatch:
        return None


def _person(user):
    return getattr(user, "person", None)


def _review_state(review: Review | None) -> str:
    """submitted, draft (something saved) or missing (nothing yet)."""
    if review is None:
        return "missing"
    if review.status == Review.Status.SUBMITTED:
        return "submitted"
    if (
        review.comments_for_applicants
        or review.confidential_comments
        or getattr(review, "n_scores", 0)
    ):
        return "draft"
    return "missing"


# --- Eligibility (staff) --------------------------------------------------------------


def _eligibility_page(
    request,
    call: Call,
    *,
    bound: EligibilityOverrideForm | None = None,
    bound_for: int | None = None,
    status: int = 200,
):
    applications = list(
        Application.objects.filter(
            call=call, stage=Application.Stage.FULL, status=Application.Status.SUBMITTED
        )
        .prefetch_related(
            Prefetch("eligibility_checks", queryset=EligibilityCheck.objects.order_by("pk")),
            Prefetch(
                "participants",
                queryset=Participant.objects.filter(role=Participant.Role.LEAD).select_related(
                    "pole"
                ),
                to_attr="leads",
            ),
        )
        .order_by("reference")
    )
    order = {rule: i for i, rule in enumerate(eligibility_services.RULES)}
    rows = []
    for application in applications:
        checks = sorted(
            application.eligibility_checks.all(),
            key=lambda c: (order.get(c.rule, len(order)), c.pk),
        )
        if bound is not None and bound_for == application.pk:
            form = bound
        else:
            form = EligibilityOverrideForm(
                prefix=f"a{application.pk}",
                initial={"eligible": "no" if application.eligibility == "ineligible" else "yes"},
            )
        rows.append(
            {
                "application": application,
                "checks": [
                    {
                        "name": eligibility_services.rule_name(c.rule),
                        "passed": c.passed,
                        "reason": eligibility_services.reason_text(c),
                    }
                    for c in checks
                ],
                "form": form,
            }
        )
    waiting = sum(
        1 for a in applications if a.eligibility_notified_at is None and a.eligibility != "pending"
    )
    return render(
        request,
        "calls/eligibility.html",
        {
            "call": call,
            "rows": rows,
            "waiting": waiting,
            "rule_names": [eligibility_services.rule_name(r) for r in eligibility_services.RULES],
        },
        status=status,
    )


@login_required
def eligibility(request, pk: int):
    call = call_for(request, pk)
    return _eligibility_page(request, call)


@require_POST
@login_required
def eligibility_run(request, pk: int):
    call = call_for(request, pk)
    counts = eligibility_services.run_eligibility(call=call, actor=request.user)
    messages.success(
        request,
        _("Eligibility checked: %(eligible)d eligible, %(ineligible)d not eligible.") % counts,
    )
    return redirect("calls:eligibility", pk=call.pk)


@require_POST
@login_required
def eligibility_notify(request, pk: int):
    call = call_for(request, pk)
    count = eligibility_services.notify_eligibility(call=call, actor=request.user)
    messages.success(
        request,
        ngettext(
            "The applicants of %(count)d application were told the outcome.",
            "The applicants of %(count)d applications were told the outcome.",
            count,
        )
        % {"count": count},
    )
    return redirect("calls:eligibility", pk=call.pk)


@require_POST
@login_required
def eligibility_override(request, pk: int):
    application = get_object_or_404(Application.objects.select_related("call"), pk=pk)
    call = call_for(request, application.call_id)
    form = EligibilityOverrideForm(request.POST, prefix=f"a{application.pk}")
    if try_service(
        form,
        lambda: eligibility_services.override_eligibility(
            application=application,
            eligible=form.cleaned_data["eligible"],
            justification=form.cleaned_data["justification"],
            actor=request.user,
        ),
    ):
        messages.success(
            request,
            _("The eligibility of %(reference)s is set by staff.")
            % {"reference": application.reference},
        )
        return redirect("calls:eligibility", pk=call.pk)
    return _eligibility_page(request, call, bound=form, bound_for=application.pk)


# --- Review board (staff) -------------------------------------------------------------


def _board_data(call: Call):
    exercise = review_services.exercise_of(call)
    if exercise is None:
        return None, [], []
    items = list(
        exercise.items.annotate(n_conflicts=Count("declared_conflicts")).order_by("reference", "pk")
    )
    assignments = list(
        Assignment.objects.filter(item__exercise=exercise)
        .select_related("reviewer")
        .order_by("reviewer__family_name", "pk")
    )
    reviews = {
        (r.application_id, r.reviewer_id): r
        for r in Review.objects.filter(application__call=call).annotate(n_scores=Count("scores"))
    }
    by_item: dict[int, list[Assignment]] = {}
    for assignment in assignments:
        by_item.setdefault(assignment.item_id, []).append(assignment)
    rows = []
    people = {}
    stats: dict[int, dict] = {}
    for member in exercise.pool.select_related("person").order_by(
        "person__family_name", "person__given_name", "pk"
    ):
        people[member.person_id] = member.person
        stats[member.person_id] = {
            "person": member.person,
            "load": 0,
            "submitted": 0,
            "draft": 0,
            "missing": 0,
            "max_load": member.max_load or exercise.max_load,
        }
    for item in items:
        reviewers = []
        for assignment in by_item.get(item.pk, []):
            state = _review_state(reviews.get((item.object_id, assignment.reviewer_id)))
            reviewers.append({"person": assignment.reviewer, "state": state})
            row = stats.setdefault(
                assignment.reviewer_id,
                {
                    "person": assignment.reviewer,
                    "load": 0,
                    "submitted": 0,
                    "draft": 0,
                    "missing": 0,
                    "max_load": exercise.max_load,
                },
            )
            row["load"] += 1
            row[state] += 1
        rows.append(
            {
                "item": item,
                "reviewers": reviewers,
                "submitted": sum(1 for r in reviewers if r["state"] == "submitted"),
                "missing_reviewers": max(0, exercise.reviewers_per_item - len(reviewers)),
            }
        )
    return (
        exercise,
        rows,
        sorted(
            stats.values(),
            key=lambda r: (r["person"].family_name, r["person"].given_name, r["person"].pk),
        ),
    )


@login_required
def review_board(request, pk: int):
    call = call_for(request, pk)
    exercise, rows, reviewers = _board_data(call)
    total = sum(len(r["reviewers"]) for r in rows)
    done = sum(r["submitted"] for r in rows)
    return render(
        request,
        "calls/review_board.html",
        {
            "call": call,
            "exercise": exercise,
            "rows": rows,
            "reviewers": reviewers,
            "total": total,
            "done": done,
        },
    )


@require_POST
@login_required
def review_sync(request, pk: int):
    call = call_for(request, pk)
    count = review_services.sync_items(call=call, actor=request.user)
    messages.success(
        request,
        ngettext(
            "The review exercise has %(count)d application to review.",
            "The review exercise has %(count)d applications to review.",
            count,
        )
        % {"count": count},
    )
    return redirect("calls:review_board", pk=call.pk)


@require_POST
@login_required
def review_remind(request, pk: int):
    call = call_for(request, pk)
    count = review_services.send_review_reminders(call=call)
    messages.success(
        request,
        ngettext(
            "%(count)d reviewer was reminded (reviewers reminded in the last seven days are not).",
            "%(count)d reviewers were reminded (reviewers reminded in the last seven "
            "days are not).",
            count,
        )
        % {"count": count},
    )
    return redirect("calls:review_board", pk=call.pk)


# --- Reviewers ------------------------------------------------------------------------


@login_required
def my_reviews(request):
    """The applications the user is assigned to review, across calls, with their status;
    never those on which they declared a conflict of interest."""
    person = _person(request.user)
    rows = []
    if person is not None:
        app_type = ContentType.objects.get_for_model(Application)
        call_type = ContentType.objects.get_for_model(Call)
        declared = DeclaredConflict.objects.filter(person=person).values("item_id")
        ids = list(
            Assignment.objects.filter(
                reviewer=person, item__content_type=app_type, item__exercise__content_type=call_type
            )
            .exclude(item_id__in=declared)
            .values_list("item__object_id", flat=True)
        )
        applications = list(
            Application.objects.filter(pk__in=ids, status=Application.Status.SUBMITTED)
            .select_related("call")
            .order_by("call__closes_at", "reference")
        )
        reviews = {
            r.application_id: r
            for r in Review.objects.filter(reviewer=person, application__in=applications).annotate(
                n_scores=Count("scores")
            )
        }
        rows = [
            {"application": a, "call": a.call, "state": _review_state(reviews.get(a.pk))}
            for a in applications
        ]
    return render(request, "calls/review_mine.html", {"rows": rows, "person": person})


@login_required
def review(request, pk: int):
    application = application_for(request, pk, "calls.review_application")
    call = application.call
    person = _person(request.user)
    criteria = list(call.criteria.all())
    own = (
        Review.objects.filter(application=application, reviewer=person)
        .prefetch_related("scores")
        .first()
    )
    if own is not None and own.status == Review.Status.SUBMITTED:
        form = None
    else:
        initial = {}
        if own is not None:
            initial = {
                "comments_for_applicants": own.comments_for_applicants,
                "confidential_comments": own.confidential_comments,
            }
            initial |= {f"score_{s.criterion_id}": str(s.score) for s in own.scores.all()}
        form = ReviewForm(request.POST or None, call=call, criteria=criteria, initial=initial)
        if request.method == "POST" and form.is_valid():
            submit = "submit" in request.POST
            try:
                review_services.save_review(
                    application=application,
                    reviewer_person=person,
                    scores=form.scores(),
                    comments_for_applicants=form.cleaned_data["comments_for_applicants"],
                    confidential_comments=form.cleaned_data["confidential_comments"],
                    submit=submit,
                    actor=request.user,
                )
            except ValidationError as exc:
                show_errors(form, exc)
            else:
                if submit:
                    messages.success(
                        request,
                        _("Your review of %(reference)s is submitted. Thank you.")
                        % {"reference": application.reference},
                    )
                    return redirect("calls:my_reviews")
                messages.success(
                    request,
                    _("Your draft review of %(reference)s is saved.")
                    % {"reference": application.reference},
                )
                return redirect("calls:review", pk=application.pk)
    scores = {}
    if own is not None:
        scores = {s.criterion_id: s.score for s in own.scores.all()}
    participants = list(
        application.participants.filter(status=Participant.Status.CONFIRMED)
        .select_related("pole", "institution")
        .order_by("pole__code", "role", "name")
    )
    attachments = [
        {"attachment": a, "url": _attachment_url(a)}
        for a in application.attachments.order_by("kind", "uploaded_at", "pk")
    ]
    return render(
        request,
        "calls/review_form.html",
        {
            "application": application,
            "call": call,
            "form": form,
            "own": own,
            "submitted_scores": [{"criterion": c, "score": scores.get(c.pk)} for c in criteria],
            "participants": participants,
            "attachments": attachments,
            "themes": list(application.themes.all()),
        },
    )


@login_required
def declare_conflict(request, pk: int):
    application = application_for(request, pk, "calls.review_application")
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and try_service(
        form,
        lambda: review_services.declare_conflict(
            application=application,
            reviewer_person=_person(request.user),
            reason=form.cleaned_data["reason"],
            actor=request.user,
        ),
    ):
        messages.success(
            request,
            _(
                "Your conflict of interest with %(reference)s is "
                "recorded; the application is no longer assigned "
                "to you."
            )
            % {"reference": application.reference},
        )
        return redirect("calls:my_reviews")
    return render(request, "calls/review_conflict.html", {"application": application, "form": form})


urlpatterns = [
    path("<int:pk>/eligibility/", eligibility, name="eligibility"),
    path("<int:pk>/eligibility/run/", eligibility_run, name="eligibility_run"),
    path("<int:pk>/eligibility/notify/", eligibility_notify, name="eligibility_notify"),
    path("applications/<int:pk>/eligibility/", eligibility_override, name="eligibility_override"),
    path("<int:pk>/review/", review_board, name="review_board"),
    path("<int:pk>/review/sync/", review_sync, name="review_sync"),
    path("<int:pk>/review/remind/", review_remind, name="review_remind"),
    path("reviews/", my_reviews, name="my_reviews"),
    path("applications/<int:pk>/review/", review, name="review"),
    path("applications/<int:pk>/conflict/", declare_conflict, name="declare_conflict"),
]
