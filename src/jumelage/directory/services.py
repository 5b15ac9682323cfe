"""Writes to the directory. Each is one transaction and leaves an audit entry."""

from collections.abc import Iterable

from django.db import transaction

from jumelage.core import audit
from jumelage.directory.identifiers import normalize_orcid
from jumelage.directory.models import Person, Theme

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
