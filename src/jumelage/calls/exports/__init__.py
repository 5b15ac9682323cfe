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

One module per table (`applications`, `reviews`, `decisions`, `anonymised`), what they share
in `common`, and the writing of the files in `files`; everything is re-exported here.
"""

from jumelage.calls.exports.anonymised import anonymised_table
from jumelage.calls.exports.applications import applications_table
from jumelage.calls.exports.common import (
    CENT,
    CHUNK,
    DECIMAL,
    FORMATS,
    INTEGER,
    TEXT,
    WHATS,
    Column,
    Table,
    filename,
    pseudonym,
    weighted_score,
)
from jumelage.calls.exports.decisions import decisions_table
from jumelage.calls.exports.files import (
    XLSX_FORMATS,
    iter_csv,
    to_xlsx,
)
from jumelage.calls.exports.reviews import reviews_table
from jumelage.calls.models import Call
from jumelage.core.spreadsheets import CONTENT_TYPES

__all__ = [
    "BUILDERS",
    "CENT",
    "CHUNK",
    "CONTENT_TYPES",
    "DECIMAL",
    "FORMATS",
    "INTEGER",
    "TEXT",
    "WHATS",
    "XLSX_FORMATS",
    "Column",
    "Table",
    "anonymised_table",
    "applications_table",
    "build",
    "decisions_table",
    "filename",
    "iter_csv",
    "pseudonym",
    "reviews_table",
    "to_xlsx",
    "weighted_score",
]

BUILDERS = {
    "applications": applications_table,
    "reviews": reviews_table,
    "decisions": decisions_table,
    "anonymised": anonymised_table,
}


def build(call: Call, what: str) -> Table:
    return BUILDERS[what](call)
