"""Affiliation matching: raw affiliation strings -> ROR ids of a registry, or an abstention.

Plain Python, no Django import::

    registry = Registry.from_ror_file(Path("ror_fr_ca_subset.jsonl"))   # or Registry(dicts)
    matcher = Matcher(registry, corrections={"chum montreal": "0410a8y51"})
    matcher.match("Dept of Medicine, CHUM, Montréal, QC H2X 0A9, Canada")
    matcher.match_all("Dept X, Univ Y, Montréal; CHUM, Montréal")
"""

from jumelage.observatory.engine.matching.matcher import (
    REASONS,
    THRESHOLD,
    Candidate,
    Match,
    Matcher,
)
from jumelage.observatory.engine.matching.organisations import (
    ALIASES_FILE,
    Alias,
    Organisation,
    read_aliases,
)
from jumelage.observatory.engine.matching.registry import Registry
from jumelage.observatory.engine.matching.text import correction_key, fold

__all__ = ["ALIASES_FILE", "REASONS", "THRESHOLD", "Alias", "Candidate", "Match", "Matcher",
           "Organisation", "Registry", "correction_key", "fold", "read_aliases"]
