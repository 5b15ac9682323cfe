"""Views of joint calls: the review progress board (staff). Each application with its reviewers
and the state of their reviews, each reviewer's load, bringing the review exercise up to date
with the submitted applications and reminding the reviewers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from jumelage.calls.models import Call, Review
from jumelage.calls.services import review as review_services
from jumelage.calls.views.common import call_for
from jumelage.matching.models import Assignment


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
            review = reviews.get((item.object_id, assignment.reviewer_id))
            state = review_services.review_state(review)
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
