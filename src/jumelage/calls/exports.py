"""Downloads of a joint call for its staff: applications, reviews and decisions as XLSX and
CSV, and an anonymised data set for programme evaluation.

Each table holds raw values (amounts stay decimal numbers in their side's currency, which a
column names); CSV writes them as machine-readable text (UTF-8 with a byte-order mark, streamed
row by row) and XLSX as typed cells, with an "About" sheet stating what the file holds. Headers
are in the interface language. Drafts are never exported: only submitted or withdrawn
applications. The reviews of a reviewer who declared a conflict of interest on an application
are left out everywhere.

The anonymised set holds no name, email, title or free text: a pseudonym per application (an
HMAC of its id under the site's secret key, so the same application keeps the same pseudonym
from one export to the next and nobody without the key can link it back), and codes, counts
and amounts.
"""

import csv
import hashlib
import hmac
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from jumelage.calls.models import (
    Application,
    Award,
    BudgetLine,
    Call,
    Decision,
    Envelope,
    Participant,
    Review,
    ReviewScore,
)

TEXT, INTEGER, DECIMAL = "text", "integer", "decimal"
WHATS = ("applications", "reviews", "decisions", "anonymised")
FORMATS = ("xlsx", "csv")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CHUNK = 500  # applications read at a time (with their prefetched rows)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT


@dataclass
class Table:
    key: str
    title: str
    about: list[str]
    columns: list[Column]
    rows: Iterator[list] = field(default_factory=lambda: iter(()))


def filename(*, call: Call, what: str, fmt: str) -> str:
    """The file name, such as "joint-call-12_applications_2027-05-02.xlsx"."""
    return f"joint-call-{call.pk}_{what}_{timezone.localdate().isoformat()}.{fmt}"


def pseudonym(application_id: int) -> str:
    """A stable pseudonymous id of an application: 16 hex digits of an HMAC-SHA256 of its id
    under settings.SECRET_KEY."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"calls.application:{application_id}".encode(), hashlib.sha256
    ).hexdigest()
    return digest[:16]


# --- reading the call ---------------------------------------------------------------------------


def _envelopes(call: Call) -> list[Envelope]:
    return list(call.envelopes.select_related("pole").order_by("pole__code"))


def _exported(call: Call):
    return (
        Application.objects.filter(call=call)
        .exclude(status=Application.Status.DRAFT)
        .order_by("reference", "pk")
    )


def _conflicted(call: Call) -> set[tuple[int, int]]:
    """(application id, person id) of every conflict of interest declared in the call's
    review exercise."""
    from django.contrib.contenttypes.models import ContentType

    from jumelage.matching.models import DeclaredConflict

    # Conflicts found by the rules after a review was written are recorded as declared
    # (calls.services.review), so this is every conflict of the call.
    content_type = ContentType.objects.get_for_model(Application)
    rows = DeclaredConflict.objects.filter(
        item__content_type=content_type,
        item__object_id__in=Application.objects.filter(call=call).values("pk"),
    ).values_list("item__object_id", "person_id")
    return {(int(object_id), person_id) for object_id, person_id in rows}


def _reviews_prefetch() -> Prefetch:
    return Prefetch(
        "reviews",
        to_attr="submitted_reviews",
        queryset=(
            Review.objects.filter(status=Review.Status.SUBMITTED)
            .select_related("reviewer")
            .prefetch_related(Prefetch("scores", queryset=ReviewScore.objects.order_by("pk")))
            .order_by("pk")
        ),
    )


def weighted_score(review: Review, weights: dict[int, Decimal]) -> Decimal | None:
    """Σ weight × score / Σ weight over the call's criteria, to two decimals (None until every
    criterion is scored)."""
    scores = {score.criterion_id: score.score for score in review.scores.all()}
    if not weights or any(criterion_id not in scores for criterion_id in weights):
        return None
    total = sum(weights[c] * scores[c] for c in weights)
    return (total / sum(weights.values())).quantize(CENT)


def _mean(values: list[Decimal]) -> Decimal | None:
    return (sum(values) / len(values)).quantize(CENT) if values else None


def _requested(application: Application) -> dict[int, Decimal]:
    totals: dict[int, Decimal] = {}
    for line in application.budget_lines.all():
        totals[line.pole_id] = totals.get(line.pole_id, Decimal(0)) + line.amount
    return totals


def _leads(application: Application) -> dict[int, Participant]:
    return {
        p.pole_id: p
        for p in application.participants.all()
        if p.role == Participant.Role.LEAD and p.pole_id is not None
    }


def _iter_chunks(queryset) -> Iterator[Application]:
    yield from queryset.iterator(chunk_size=CHUNK)


def _side_label(envelope: Envelope) -> str:
    return envelope.pole.short_name


# --- the tables ---------------------------------------------------------------------------------


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
            leads, requested = _leads(application), _requested(application)
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
            leads, requested = _leads(application), _requested(application)
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


BUILDERS = {
    "applications": applications_table,
    "reviews": reviews_table,
    "decisions": decisions_table,
    "anonymised": anonymised_table,
}


def build(call: Call, what: str) -> Table:
    return BUILDERS[what](call)


# --- files --------------------------------------------------------------------------------------

# Text that a spreadsheet would run as a formula (titles and comments come from people).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value, kind: str) -> str:
    if value is None:
        return ""
    text = str(value)
    if kind == TEXT and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class _Line:
    """A file-like object whose write() hands back what it was given (for csv.writer)."""

    def write(self, value: str) -> str:
        return value


def iter_csv(table: Table) -> Iterator[bytes]:
    """The table as CSV, one encoded line at a time; the first carries a UTF-8 byte-order
    mark so that spreadsheet programs read the accents."""
    writer = csv.writer(_Line())
    yield ("\ufeff" + writer.writerow([c.label for c in table.columns])).encode()
    for row in table.rows:
        yield writer.writerow(
            [
                _csv_cell(value, column.kind)
                for value, column in zip(row, table.columns, strict=True)
            ]
        ).encode()


XLSX_FORMATS = {INTEGER: "0", DECIMAL: "#,##0.00"}


def to_xlsx(table: Table, *, call: Call) -> bytes:
    """One sheet with the table, one saying what it holds."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_title(table.title))
    sheet.freeze_panes = "A2"
    header = []
    for column in table.columns:
        cell = WriteOnlyCell(sheet, value=column.label)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    formats = [XLSX_FORMATS.get(column.kind) for column in table.columns]
    for row in table.rows:
        cells = []
        for value, number_format in zip(row, formats, strict=True):
            if number_format and value is not None:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = number_format
                cells.append(cell)
            elif isinstance(value, str) and value.startswith("="):
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"  # text as written, never a formula
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    about = book.create_sheet(_sheet_title(_("About")))
    about.append([_("Call: %(title)s") % {"title": call.title}])
    about.append([_("Exported on %(date)s") % {"date": timezone.localdate().isoformat()}])
    for line in table.about:
        about.append([line])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_title(text: str) -> str:
    """Excel's rules: at most 31 characters, none of : \\ / ? * [ ]."""
    for char in ":\\/?*[]":
        text = text.replace(char, " ")
    return text[:31]
