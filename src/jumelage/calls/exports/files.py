"""Writing a table as a file: CSV streamed line by line, or an XLSX workbook."""

import csv
import io
from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from jumelage.calls.exports.common import DECIMAL, INTEGER, TEXT, Table
from jumelage.calls.models import Call
from jumelage.core.spreadsheets import csv_cell, sheet_title


# Text that a spreadsheet would run as a formula (titles and comments come from people).
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
                csv_cell(value, is_text=column.kind == TEXT)
                for value, column in zip(row, table.columns, strict=True)
            ]
        ).encode()


XLSX_FORMATS = {INTEGER: "0", DECIMAL: "#,##0.00"}


def to_xlsx(table: Table, *, call: Call) -> bytes:
    """One sheet with the table, one saying what it holds."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title(table.title))
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
    about = book.create_sheet(sheet_title(_("About")))
    about.append([_("Call: %(title)s") % {"title": call.title}])
    about.append([_("Exported on %(date)s") % {"date": timezone.localdate().isoformat()}])
    for line in table.about:
        about.append([line])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
