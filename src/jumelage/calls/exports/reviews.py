"""The table of the submitted reviews (confidential: names the reviewers)."""

from django.utils.translation import gettext as _

from jumelage.calls.exports.common import (
    DECIMAL,
    INTEGER,
    Column,
    Table,
    _conflicted,
    _exported,
    _iter_chunks,
    _reviews_prefetch,
    weighted_score,
)
from jumelage.calls.models import Call


def reviews_table(call: Call) -> Table:
    criteria = list(call.criteria.order_by("position", "pk"))
    weights = {c.pk: c.weight for c in criteria}
    conflicted = _conflicted(call)
    columns = [Column(_("Reference")), Column(_("Reviewer"))]
    columns += [
        Column(_("Score: %(criterion)s") % {"criterion": c.name}, INTEGER) for c in criteria
    ]
    columns += [
        Column(_("Weighted score"), DECIMAL),
        Column(_("Comments for the applicants")),
        Column(_("Confidential comments for the panel")),
    ]
    queryset = _exported(call).prefetch_related(_reviews_prefetch())

    def rows():
        for application in _iter_chunks(queryset):
            for review in application.submitted_reviews:
                if (application.pk, review.reviewer_id) in conflicted:
                    continue
                scores = {s.criterion_id: s.score for s in review.scores.all()}
                yield [
                    application.reference,
                    review.reviewer.full_name,
                    *(scores.get(c.pk) for c in criteria),
                    weighted_score(review, weights),
                    review.comments_for_applicants,
                    review.confidential_comments,
                ]

    return Table(
        "reviews",
        _("Reviews"),
        [
            _(
                "Submitted reviews, one row per review; the weighted score is the sum of weight × "
                "score over the criteria divided by the sum of the weights."
            ),
            _(
                "Confidential: names reviewers and holds comments meant only for the panel. For "
                "the staff of the call; never send it to applicants."
            ),
        ],
        columns,
        rows(),
    )
