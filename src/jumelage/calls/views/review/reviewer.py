"""Views of joint calls: the reviewer's pages. Their list of reviews, the review form and the
declaration of a conflict of interest.

A reviewer sees only their own review: never the other reviewers' names, scores or
confidential comments. A reviewer who declared a conflict sees nothing of the application.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jumelage.calls.forms.review import ConflictForm, ReviewForm
from jumelage.calls.models import Application, Call, Participant, Review
from jumelage.calls.services import review as review_services
from jumelage.calls.services.review import review_state
from jumelage.calls.views.common import application_for, show_errors, try_service
from jumelage.calls.views.review.base import _attachment_url, _person
from jumelage.matching.models import Assignment, DeclaredConflict


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
            {"application": a, "call": a.call, "state": review_state(reviews.get(a.pk))}
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
