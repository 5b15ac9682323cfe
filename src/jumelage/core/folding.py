"""Accent and case folding, without Django: the one definition that the directory's search
(jumelage.core.text), the affiliation matcher and the matching engine share."""

import unicodedata


def fold(value: str | None) -> str:
    """Lower-case `value` and strip its accents: "Thérapie Cellulaire" -> "therapie cellulaire";
    œ and æ spelled out as PostgreSQL's unaccent does, so both databases agree."""
    if not value:
        return ""
    if value.isascii():
        return value.lower()
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold().replace("’", "'").replace("œ", "oe").replace("æ", "ae")
