"""Writes of the observatory's review queue. Each is one transaction and leaves an audit entry."""

import pyarrow as pa
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jumelage.core import audit
from jumelage.directory.models import Institution
from jumelage.observatory.engine import index
from jumelage.observatory.engine.matching import correction_key
from jumelage.observatory.engine.store import Store
from jumelage.observatory.models import KEY_MAX_LENGTH, AffiliationCorrection

AUDITED_FIELDS = ("raw", "ror_id", "institution", "note")
CORRECTION_METHOD = "correction"  # `resolutions.method` of the rows the corrections write


def correct_affiliation(*, raw: str, institution: Institution | None, actor,
                        note: str = "") -> AffiliationCorrection:
    """Attribute an affiliation string to `institution`, or to no institution of the registry
    (None). One decision per correction key: correcting the same string again (whatever its
    case, accents or spacing) replaces the decision; the same decision again changes nothing.
    """
    key = correction_key(raw)
    if not key:
        raise ValidationError({"raw": _("The affiliation string is empty: choose a string of "
                                        "the review queue.")})
    if len(key) > KEY_MAX_LENGTH:
        raise ValidationError({"raw": _(
            "This affiliation string is too long to be corrected (%(length)d characters; at "
            "most %(limit)d).") % {"length": len(key), "limit": KEY_MAX_LENGTH}})
    if institution is not None and not institution.ror_id:
        raise ValidationError({"institution": _(
            "“%(name)s” has no ROR id in the directory, and the observatory counts institutions "
            "by their ROR id: add its ROR id in the directory first, or choose another "
            "institution.") % {"name": institution.name}})
    note = note.strip()
    ror_id = institution.ror_id if institution is not None else None
    with transaction.atomic():
        correction = AffiliationCorrection.objects.select_for_update().filter(key=key).first()
        if correction is None:
            correction = AffiliationCorrection(key=key, raw=raw.strip(), ror_id=ror_id,
                                               institution=institution, note=note,
                                               created_by=actor if _is_user(actor) else None,
                                               created_at=timezone.now())
            try:
                with transaction.atomic():
                    correction.save()
            except IntegrityError:  # someone saved the same key meanwhile: update theirs
                correction = AffiliationCorrection.objects.select_for_update().get(key=key)
            else:
                audit.record(actor=actor, action="observatory.correction.create",
                             obj=correction,
                             changes=audit.diff({}, audit.snapshot(correction, AUDITED_FIELDS)))
                return correction
        before = audit.snapshot(correction, AUDITED_FIELDS)
        if (correction.ror_id, correction.institution_id, correction.note) == (
                ror_id, institution.pk if institution else None, note):
            return correction  # the same decision again
        correction.ror_id, correction.institution, correction.note = ror_id, institution, note
        correction.created_by = actor if _is_user(actor) else None
        correction.created_at = timezone.now()
        correction.save()
        audit.record(actor=actor, action="observatory.correction.update", obj=correction,
                     changes=audit.diff(before, audit.snapshot(correction, AUDITED_FIELDS)))
        return correction


@transaction.atomic
def undo_correction(*, correction: AffiliationCorrection, actor) -> None:
    """Forget a decision: the string goes back to the matcher, and to the queue if it abstains
    again at the next indexing."""
    before = audit.snapshot(correction, AUDITED_FIELDS)
    audit.record(actor=actor, action="observatory.correction.delete", obj=correction,
                 changes=audit.diff(before, {}))
    correction.delete()


def apply_corrections_to_store(*, store: Store) -> int:
    """Write the corrections into the store's `resolutions` table, in place of the matcher's
    answers for those strings; returns the number of strings written.

    Rows written by a correction that has since been undone or changed are removed first, so
    that the next `resolve_affiliations` asks the matcher about those strings again: run this
    before it. One DuckDB transaction: the indicators see all the corrections or none.
    """
    corrections = dict(AffiliationCorrection.objects.order_by().values_list("key", "ror_id"))
    index.ensure_tables(store)
    con = store.con
    raws = [raw for (raw,) in con.execute("""
        SELECT raw FROM affiliations WHERE len(ror_ids) = 0 AND raw <> ''
        UNION SELECT raw FROM resolutions""").fetchall()]
    rows = [(raw, corrections[key]) for raw in raws
            if (key := correction_key(raw)) in corrections]
    table = pa.table({"raw": [r[0] for r in rows], "ror_id": [r[1] for r in rows],
                      "confidence": [1.0] * len(rows), "method": [CORRECTION_METHOD] * len(rows),
                      "country_code": [None] * len(rows), "region_code": [None] * len(rows)},
                     schema=index.RESOLUTION_SCHEMA)
    con.register("corrected", table)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM resolutions WHERE method = ?", [CORRECTION_METHOD])
        con.execute("DELETE FROM resolutions WHERE raw IN (SELECT raw FROM corrected)")
        con.execute("INSERT INTO resolutions BY NAME SELECT * FROM corrected")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("corrected")
    con.execute("COMMIT")
    return len(rows)


def _is_user(actor) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)
