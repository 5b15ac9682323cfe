"""Writes to the directory. Each is one transaction and leaves an audit entry."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from jumelage.core import audit
from jumelage.directory.identifiers import normalize_orcid
from jumelage.directory.models import Institution, Person, Theme
from jumelage.directory.ror import BadRecord, ImportReport, RorRecord

PROFILE_FIELDS = ("given_name", "family_name", "orcid", "career_stage", "keywords", "languages",
                  "bio_fr", "bio_en", "public_profile", "show_email", "themes")


@transaction.atomic
def update_person_profile(*, person: Person, actor, given_name: str, family_name: str,
                          orcid: str = "", career_stage: str = "",
                          keywords: Iterable[str] = (), languages: Iterable[str] = (),
                          bio_fr: str = "", bio_en: str = "", public_profile: bool = False,
                          show_email: bool = False, themes: Iterable[Theme] = ()) -> Person:
    """Create or update a directory entry; a new entry is saved here, never half saved."""
    created = person.pk is None
    before = {} if created else audit.snapshot(person, PROFILE_FIELDS)
    person.given_name = given_name.strip()
    person.family_name = family_name.strip()
    person.orcid = normalize_orcid(orcid) if orcid else None
    person.career_stage = career_stage
    person.keywords = _clean_list(keywords)
    person.languages = _clean_list(languages)
    person.bio_fr, person.bio_en = bio_fr.strip(), bio_en.strip()
    person.public_profile = public_profile
    person.show_email = show_email and public_profile
    person.full_clean()
    person.save()
    person.themes.set(themes)
    changes = audit.diff(before, audit.snapshot(person, PROFILE_FIELDS))
    if changes or created:
        action = "directory.person.create" if created else "directory.person.update"
        audit.record(actor=actor, action=action, obj=person, changes=changes)
    return person


def _clean_list(values: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for value in values:
        value = value.strip()
        if value and value not in seen:
            seen.append(value)
    return seen


# --- ROR import ---

ROR_FIELDS = ("name_fr", "name_en", "acronym", "aliases", "type", "city", "region", "country",
              "website", "active")
ROR_BATCH_SIZE = 500
ROR_CREATE_ONLY_FIELDS = ("name_fr", "name_en", "type")


def import_ror_records(*, records: Iterable[RorRecord | BadRecord], countries: Iterable[str] = (),
                       actor, source: str = "") -> ImportReport:
    """Create or update institutions from ROR records, matched by ROR id, then link parents.

    Only the ROR-sourced fields (ROR_FIELDS) of an existing institution change, and of those
    the names and type only while empty; its pole and everything else stay as staff left
    them. Parent links are added, never removed, and only to institutions already in the
    directory. The records are read before the transaction opens;
    the writes are one transaction and one summary audit entry (none when nothing changed).
    """
    wanted = sorted({code.strip().upper() for code in countries if code.strip()})
    report = ImportReport()
    kept = _select_ror_records(records=records, wanted=set(wanted), report=report)

    with transaction.atomic():
        existing = {inst.ror_id: inst for inst in
                    Institution.objects.exclude(ror_id=None).only("pk", "ror_id", *ROR_FIELDS)}
        to_create: list[Institution] = []
        to_update: list[Institution] = []
        changed_fields: set[str] = set()
        row_changes: dict[str, dict[str, list[Any]]] = {}
        for ror_id, record in kept.items():
            values = record.institution_fields()
            institution = existing.get(ror_id)
            if institution is None:
                to_create.append(Institution(ror_id=ror_id, **values))
                continue
            changes = {name: [getattr(institution, name), value]
                       for name, value in values.items()
                       if getattr(institution, name) != value
                       and not _kept_as_staff_typed(institution, name)}
            if changes:
                for name, (_old, new) in changes.items():
                    setattr(institution, name, new)
                changed_fields.update(changes)
                to_update.append(institution)
                row_changes[ror_id] = changes
        Institution.objects.bulk_create(to_create, batch_size=ROR_BATCH_SIZE)
        if to_update:
            Institution.objects.bulk_update(to_update, sorted(changed_fields),
                                            batch_size=ROR_BATCH_SIZE)

        linked = _link_ror_parents(kept=kept, report=report,
                                   created={inst.ror_id for inst in to_create},
                                   row_changes=row_changes)
        report.created = len(to_create)
        report.updated = len(row_changes)
        report.unchanged = len(kept) - report.created - report.updated
        report.parents_linked = linked
        if report.created or report.updated or report.parents_linked:
            label = f"{source or 'ROR'} ({', '.join(wanted) or 'all countries'})"
            audit.record(actor=actor, action="directory.ror.import", obj=None, label=label[:255],
                         changes={**report.counts(), "countries": wanted,
                                  "updated_rows": row_changes})
    return report


def _kept_as_staff_typed(institution: Institution, field: str) -> bool:
    """The type and names that staff have set win over ROR's on a re-import: ROR fills them
    on creation and when they are empty (ROR calls Centre Léon Bérard a non-profit, staff a
    cancer centre)."""
    return field in ROR_CREATE_ONLY_FIELDS and bool(getattr(institution, field))


def _select_ror_records(*, records: Iterable[RorRecord | BadRecord], wanted: set[str],
                        report: ImportReport) -> dict[str, RorRecord]:
    """Records to import by ROR id; bad records, duplicates and other countries are counted."""
    kept: dict[str, RorRecord] = {}
    seen: dict[str, str] = {}
    for item in records:
        if isinstance(item, BadRecord):
            report.issues.append(item)
            continue
        if item.ror_id in seen:
            report.issues.append(BadRecord(
                source=item.source, line=item.line, index=item.index, code="duplicate",
                params={"ror_id": item.ror_id, "first": seen[item.ror_id]}))
            continue
        seen[item.ror_id] = item.location
        if wanted and item.country_code not in wanted:
            report.skipped += 1
            continue
        kept[item.ror_id] = item
    return kept


def _link_ror_parents(*, kept: dict[str, RorRecord], report: ImportReport, created: set[str],
                      row_changes: dict[str, dict[str, list[Any]]]) -> int:
    """Add the missing parent links of the imported records; the number of links added."""
    pk_by_ror = dict(Institution.objects.exclude(ror_id=None).values_list("ror_id", "pk"))
    ror_by_pk = {pk: ror_id for ror_id, pk in pk_by_ror.items()}
    link = Institution.parents.through
    current: dict[int, set[int]] = {}
    for child, parent in link.objects.values_list("from_institution_id", "to_institution_id"):
        current.setdefault(child, set()).add(parent)
    new_links = []
    for ror_id, record in kept.items():
        child = pk_by_ror[ror_id]
        before = current.get(child, set())
        added = []
        for parent_ror in record.parent_ids:
            parent = pk_by_ror.get(parent_ror)
            if parent is None:
                report.parents_missing += 1
            elif parent != child and parent not in before:
                added.append(parent)
        if not added:
            continue
        new_links += [link(from_institution_id=child, to_institution_id=p) for p in added]
        if ror_id not in created:
            old = sorted(ror_by_pk[p] for p in before)
            row_changes.setdefault(ror_id, {})["parents"] = [
                old, sorted([*old, *(ror_by_pk[p] for p in added)])]
    link.objects.bulk_create(new_links, batch_size=ROR_BATCH_SIZE)
    return len(new_links)
