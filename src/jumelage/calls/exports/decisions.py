"""The table of each funding pole's decision on each application."""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from jumelage.calls.exports.common import Column, Table, _exported, _iter_chunks
from jumelage.calls.models import Call, Decision


def decisions_table(call: Call) -> Table:
    columns = [
        Column(_("Reference")),
        Column(_("Title")),
        Column(_("Pole")),
        Column(_("Decision")),
        Column(_("Note for the applicants")),
        Column(_("Decided on")),
        Column(_("Outcome of the project")),
    ]
    queryset = _exported(call).prefetch_related(
        Prefetch(
            "decisions", queryset=Decision.objects.select_related("pole").order_by("pole__code")
        )
    )

    def rows():
        for application in _iter_chunks(queryset):
            for decision in application.decisions.all():
                yield [
                    application.reference,
                    application.title,
                    decision.pole.short_name,
                    decision.get_outcome_display(),
                    decision.note,
                    timezone.localtime(decision.decided_at).date().isoformat(),
                    application.get_outcome_display(),
                ]

    return Table(
        "decisions",
        _("Decisions"),
        [
            _("The decision of each funding pole on each application, one row per pole."),
        ],
        columns,
        rows(),
    )
