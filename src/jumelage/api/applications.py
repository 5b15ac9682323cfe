"""GET /applications, /applications/{id} and /reviews/mine.

The same rules as the pages (jumelage.calls.rules): an application is 404 (never 403, so that
its existence is not revealed) to anyone without calls.view_application; a reviewer who
declared a conflict of interest sees nothing of it; reviewers see only their own review;
applicants see no review before the outcome is released, then only the comments meant for
them, without the reviewers' names."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from ninja import Router
from ninja.pagination import paginate

from jumelage.accounts.rules import is_pole_staff, is_site_admin
from jumelage.api.auth import session_auth
from jumelage.api.pagination import Pagination
from jumelage.api.schemas import (
    ApplicationDetail,
    ApplicationSummary,
    AssignmentOut,
    AttachmentOut,
    BudgetLineOut,
    CallRef,
    OutcomeOut,
    ParticipantOut,
    ReviewOut,
    ScoreOut,
    utc,
)
from jumelage.calls.models import Application, Envelope, Participant, Review
from jumelage.calls.rules import is_applicant
from jumelage.calls.services.review import review_state
from jumelage.matching.models import Assignment, DeclaredConflict

router = Router(tags=["applications"], auth=session_auth)


def _person(user):
    return getattr(user, "person", None)


def visible_applications(user) -> QuerySet[Application]:
    """The applications `user` may list: their own (creator or confirmed member), those they
    are assigned to review and not conflicted on, and the submitted applications of the
    calls they manage."""
    if not user.is_authenticated:
        return Application.objects.none()
    visible = Q(created_by=user) | Q(
        pk__in=Participant.objects.filter(
            person__user=user, status=Participant.Status.CONFIRMED
        ).values("application_id")
    )
    person = _person(user)
    if person is not None:
        app_type = ContentType.objects.get_for_model(Application)
        assigned = Assignment.objects.filter(reviewer=person, item__content_type=app_type)
        conflicted = DeclaredConflict.objects.filter(person=person, item__content_type=app_type)
        visible |= Q(pk__in=assigned.values("item__object_id")) & ~Q(
            pk__in=conflicted.values("item__object_id")
        )
    if is_site_admin(user):
        visible |= Q(status=Application.Status.SUBMITTED)
    elif is_pole_staff(user):
        managed = Envelope.objects.filter(pole_id=user.pole_id).values("call_id")
        visible |= Q(status=Application.Status.SUBMITTED, call_id__in=managed)
    return Application.objects.filter(visible)


@router.get("/applications", response=list[ApplicationSummary], url_name="application_list")
@paginate(Pagination, page_size=50)
def application_list(request):
    """The applications the caller may see, by reference."""
    return visible_applications(request.user).select_related("call").order_by("reference", "pk")


def _review_out(review: Review, *, full: bool) -> ReviewOut:
    if not full:  # applicants: the comments meant for them, anonymous
        return ReviewOut(
            reviewer=None,
            status=None,
            submitted_at=None,
            scores=None,
            comments_for_applicants=review.comments_for_applicants,
            confidential_comments=None,
        )
    return ReviewOut(
        reviewer=review.reviewer.full_name,
        status=review.status,
        submitted_at=utc(review.submitted_at),
        scores=[
            ScoreOut(criterion_id=s.criterion_id, score=s.score)
            for s in sorted(review.scores.all(), key=lambda s: s.criterion_id)
        ],
        comments_for_applicants=review.comments_for_applicants,
        confidential_comments=review.confidential_comments,
    )


def _reviews(
    request, application: Application, *, manager: bool, reviewer: bool, applicant: bool
) -> list[ReviewOut]:
    reviews = (
        application.reviews.select_related("reviewer").prefetch_related("scores").order_by("pk")
    )
    from jumelage.calls.services.review import counted_reviews

    if manager:
        return [_review_out(r, full=True) for r in counted_reviews(reviews)]
    if reviewer:
        person = _person(request.user)
        return [_review_out(r, full=True) for r in reviews.filter(reviewer=person)]
    if applicant and application.outcome_released_at is not None:
        return [
            _review_out(r, full=False)
            for r in counted_reviews(reviews).exclude(comments_for_applicants="")
        ]
    return []


@router.get(
    "/applications/{application_id}", response=ApplicationDetail, url_name="application_detail"
)
def application_detail(request, application_id: int):
    application = (
        Application.objects.select_related("call")
        .prefetch_related(
            "themes",
            Prefetch(
                "participants",
                queryset=Participant.objects.filter(
                    status=Participant.Status.CONFIRMED
                ).select_related("pole", "institution"),
            ),
            "budget_lines__pole",
            "attachments",
        )
        .filter(pk=application_id)
        .first()
    )
    user = request.user
    if application is None or not user.has_perm("calls.view_application", application):
        raise Http404
    manager = user.has_perm("calls.manage_call", application.call)
    reviewer = not manager and user.has_perm("calls.review_application", application)
    applicant = not manager and not reviewer and is_applicant(user, application)
    released = application.outcome_released_at is not None
    call = application.call
    return ApplicationDetail(
        id=application.pk,
        reference=application.reference,
        call=CallRef(id=call.pk, title_fr=call.title_fr, title_en=call.title_en),
        stage=application.stage,
        status=application.status,
        title=application.title,
        acronym=application.acronym,
        language=application.language,
        abstract=application.abstract,
        description=application.description,
        keywords=list(application.keywords),
        themes=sorted(t.code for t in application.themes.all()),
        duration_months=application.duration_months,
        submitted_at=utc(application.submitted_at),
        eligibility=application.eligibility if manager else None,
        participants=[
            ParticipantOut(
                name=p.name,
                role=p.role,
                pole=p.pole.code if p.pole else None,
                institution=p.institution.name_fr if p.institution else None,
            )
            for p in application.participants.all()
        ],
        budget=[
            BudgetLineOut(
                pole=line.pole.code,
                category=line.category,
                amount=str(line.amount),
                currency=line.pole.currency,
            )
            for line in application.budget_lines.all()
        ],
        attachments=[
            AttachmentOut(id=a.pk, kind=a.kind, name=a.original_name, size=a.size, pages=a.pages)
            for a in application.attachments.all()
        ],
        outcome=OutcomeOut(
            outcome=application.outcome, released_at=utc(application.outcome_released_at)
        )
        if manager or (applicant and released)
        else None,
        reviews=_reviews(
            request, application, manager=manager, reviewer=reviewer, applicant=applicant
        ),
    )


@router.get("/reviews/mine", response=list[AssignmentOut], url_name="my_reviews")
@paginate(Pagination, page_size=50)
def my_reviews(request):
    """The submitted applications the caller is assigned to review, with the state of their
    review; never those on which they declared a conflict of interest."""
    person = _person(request.user)
    if person is None:
        return []
    app_type = ContentType.objects.get_for_model(Application)
    conflicted = DeclaredConflict.objects.filter(person=person, item__content_type=app_type)
    assigned = Assignment.objects.filter(reviewer=person, item__content_type=app_type)
    applications = list(
        Application.objects.filter(
            pk__in=assigned.values("item__object_id"), status=Application.Status.SUBMITTED
        )
        .exclude(pk__in=conflicted.values("item__object_id"))
        .select_related("call")
        .order_by("call__closes_at", "reference")
    )
    reviews = {
        r.application_id: r
        for r in Review.objects.filter(reviewer=person, application__in=applications).annotate(
            n_scores=Count("scores")
        )
    }
    return [
        AssignmentOut(
            application_id=a.pk,
            reference=a.reference,
            title=a.title,
            call=CallRef(id=a.call_id, title_fr=a.call.title_fr, title_en=a.call.title_en),
            review_status=review_state(reviews.get(a.pk)),
        )
        for a in applications
    ]
