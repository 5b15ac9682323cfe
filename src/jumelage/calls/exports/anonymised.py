"""The anonymised data set for the evaluation of the programme: pseudonyms, codes, counts and
amounts; no name, email, title or free text."""

from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from jumelage.calls.exports.common import (
    DECIMAL,
    INTEGER,
    Column,
    Table,
    _conflicted,
    _envelopes,
    _exported,
    _iter_chunks,
    _leads,
    _mean,
    _reviews_prefetch,
    pseudonym,
    weighted_score,
)
from jumelage.calls.models import Award, BudgetLine, Call, Participant
from jumelage.calls.services.applications.budget import side_totals


def anonymised_table(call: Call) -> Table:
    envelopes = _envelopes(call)
    weights = {c.pk: c.weight for c in call.criteria.all()}
    conflicted = _conflicted(call)
    columns = [
        Column(_("Pseudonymous id")),
        Column(_("Call"), INTEGER),
        Column(_("Year"), INTEGER),
        Column(_("Themes")),
        Column(_("Poles of the sides")),
        Column(_("Institution types of the participants")),
        Column(_("Poles of the participants")),
    ]
    for envelope in envelopes:
        side = {"side": envelope.pole.code, "currency": envelope.currency}
        columns += [
            Column(_("Career stage of the lead (%(side)s)") % side),
            Column(_("Requested by %(side)s (%(currency)s)") % side, DECIMAL),
            Column(_("Awarded to %(side)s (%(currency)s)") % side, DECIMAL),
        ]
    columns += [
        Column(_("Mean weighted score"), DECIMAL),
        Column(_("Number of reviews"), INTEGER),
        Column(_("Outcome")),
    ]
    queryset = _exported(call).prefetch_related(
        "themes",
        _reviews_prefetch(),
        Prefetch(
            "participants",
            queryset=Participant.objects.select_related("institution", "person").order_by("pk"),
        ),
        Prefetch("budget_lines", queryset=BudgetLine.objects.order_by("pk")),
        Prefetch("awards", queryset=Award.objects.order_by("pk")),
    )
    year = call.opens_at.year

    def rows():
        # In the pseudonyms' order, not the references': the row order of the named exports
        # would otherwise link each pseudonym back to its application.
        yield from sorted(named_order(), key=lambda row: row[0])

    def named_order():
        for application in _iter_chunks(queryset):
            leads, requested = _leads(application), side_totals(application)
            awarded = {award.pole_id: award.amount for award in application.awards.all()}
            participants = application.participants.all()
            codes = {e.pole_id: e.pole.code for e in envelopes}
            scores = [
                score
                for review in application.submitted_reviews
                if (application.pk, review.reviewer_id) not in conflicted
                and (score := weighted_score(review, weights)) is not None
            ]
            row = [
                pseudonym(application.pk),
                call.pk,
                year,
                "; ".join(sorted(theme.code for theme in application.themes.all())),
                "; ".join(sorted(codes.get(pid, "") for pid in leads)),
                "; ".join(
                    sorted(p.institution.type if p.institution else "unknown" for p in participants)
                ),
                "; ".join(
                    sorted(
                        codes.get(p.pole_id, "outside") if p.pole_id else "outside"
                        for p in participants
                    )
                ),
            ]
            for envelope in envelopes:
                lead = leads.get(envelope.pole_id)
                stage = lead.person.career_stage if lead and lead.person else ""
                row += [
                    stage,
                    requested.get(envelope.pole_id, Decimal(0)),
                    awarded.get(envelope.pole_id),
                ]
            row += [_mean(scores), len(scores), application.outcome]
            yield row

    return Table(
        "anonymised",
        _("Anonymised data set"),
        [
            _(
                "Anonymised data set for the evaluation of the programme: no names, email "
                "addresses, titles or free text. Each application has a pseudonymous id, the same "
                "in every export, that only the platform can link back to it."
            ),
            _(
                "Codes are the platform's: themes, poles, institution types (university, hospital, "
                "…), career stages and outcomes; amounts are in each side's currency."
            ),
        ],
        columns,
        rows(),
    )
