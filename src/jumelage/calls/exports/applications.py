"""The table of the applications submitted to the call."""

from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from jumelage.calls.exports.common import (
    CENT,
    DECIMAL,
    Column,
    Table,
    _envelopes,
    _exported,
    _iter_chunks,
    _leads,
    _side_label,
)
from jumelage.calls.models import BudgetLine, Call, Participant
from jumelage.calls.services.applications.budget import side_totals


def applications_table(call: Call) -> Table:
    envelopes = _envelopes(call)
    rates = {e.pole_id: e.exchange_rate for e in envelopes}
    columns = [
        Column(_("Reference")),
        Column(_("Title")),
        Column(_("Language")),
        Column(_("Themes")),
    ]
    for envelope in envelopes:
        side = {"side": _side_label(envelope), "currency": envelope.currency}
        columns += [
            Column(_("Lead (%(side)s)") % side),
            Column(_("Institution of the lead (%(side)s)") % side),
            Column(_("Requested by %(side)s (%(currency)s)") % side, DECIMAL),
        ]
    columns += [
        Column(
            _("Consolidated total requested (%(currency)s)")
            % {"currency": call.consolidation_currency},
            DECIMAL,
        ),
        Column(_("Status")),
        Column(_("Eligibility")),
        Column(_("Outcome")),
    ]
    queryset = _exported(call).prefetch_related(
        "themes",
        Prefetch("participants", queryset=Participant.objects.select_related("institution")),
        Prefetch("budget_lines", queryset=BudgetLine.objects.order_by("pk")),
    )

    def rows():
        for application in _iter_chunks(queryset):
            leads, requested = _leads(application), side_totals(application)
            row = [
                application.reference,
                application.title,
                application.get_language_display(),
                "; ".join(sorted(theme.name for theme in application.themes.all())),
            ]
            consolidated = Decimal(0)
            for envelope in envelopes:
                lead = leads.get(envelope.pole_id)
                amount = requested.get(envelope.pole_id, Decimal(0))
                consolidated += amount * rates[envelope.pole_id]
                row += [
                    lead.name if lead else "",
                    lead.institution.name if lead and lead.institution else "",
                    amount,
                ]
            row += [
                consolidated.quantize(CENT),
                application.get_status_display(),
                application.get_eligibility_display(),
                application.get_outcome_display(),
            ]
            yield row

    return Table(
        "applications",
        _("Applications"),
        [
            _(
                "Applications submitted to the call (drafts are not included); one row per "
                "application, the amounts requested by each side in that side's currency and "
                "their total in the call's consolidation currency at the call's fixed rates."
            ),
        ],
        columns,
        rows(),
    )
