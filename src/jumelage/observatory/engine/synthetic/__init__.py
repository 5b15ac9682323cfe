"""Synthetic OpenAlex works over real institutions, at any scale: a snapshot folder to benchmark
and demonstrate the observatory with.

Every work is **synthetic** and says so (marks.py): its title starts with "[synthetic] ", its id
is in the W9… range (W9000000000 and up, which OpenAlex has not reached), its DOI is under the
test prefix 10.5555, its PMID (when it has one) is 900,000,000 or more, its authors' ORCIDs are
in the 0000-0000-… block that ORCID never issues, and the folder holds a SYNTHETIC.txt.
Authors are made-up names (Faker's name lists); the institutions are real: the active
organisations of a ROR file (../shared/data/ror/ror_fr_ca_subset.jsonl; region flags ARA and
QC from its `partner_region`) or records given as plain data (the demo's institutions), plus a
few US, UK and German ones (places.FOREIGN).

The records follow the current OpenAlex works schema as engine/readers/openalex.py reads it
(id, doi, title, publication_year, type, authorships with author, institutions with ror and
country_code, raw_affiliation_strings and affiliations, countries, is_corresponding;
cited_by_count, fwci, open_access, primary_location.source, topics, keywords, mesh, abstract
inverted index, referenced works). The mix, per work:

- 46 % France only, 34 % Canada only, 4 % US/UK/Germany only, 12 % France or Canada with one of
  those, 3 % France–Canada outside the two regions, 1 % Auvergne-Rhône-Alpes–Québec (so about
  4 % France–Canada in all, and a little over 1 % ARA–QC);
- about 6 authors per work (a log-normal with a tail of consortium papers, up to 500 authors);
  one to four institutions; a quarter of the authors with a second or third affiliation (often
  the institution's parent: a laboratory and its university);
- about 20 % of affiliations without a ROR id, as in OpenAlex: strings OpenAlex did not link to
  any institution (14 %), or linked to an institution it has without a ROR id (6 %); these are
  what the observatory's matcher resolves;
- raw affiliation strings as authors write them, in French and English: departments and units,
  name variants (French or English label, acronym, no accents, capitals), the parent
  institution, street addresses with French postal codes and Canadian postal codes, provinces,
  countries, now and then an e-mail address; an author mostly reuses the same string.

Deterministic: the same seed and part size give the same files, byte for byte, whatever
`--jobs` (each part has its own random stream). Output: gzip JSON Lines, `--part-size` works
per part, in an OpenAlex snapshot layout with a manifest:

    OUT/SYNTHETIC.txt
    OUT/data/works/manifest
    OUT/data/works/updated_date=2025-01-01/part_000.gz, part_001.gz, …

Memory stays flat: works are written as they are made. No Django import: the package is used by
`bench/observatory/generate.py` (the command line) and by `jumelage seed_demo`.

Modules: marks (how a synthetic work is recognised), places and world (the institutions),
vocabulary (topics, journals, types, years), people (authors and affiliation strings), works
(one work), snapshot (the files).

    from jumelage.observatory.engine.synthetic import load_world, write_snapshot
    write_snapshot(out, works=2000, seed=1, world=load_world(ror_path))
"""

from jumelage.observatory.engine.synthetic.marks import (
    DOI_PREFIX,
    FIRST_ID,
    FIRST_PMID,
    SQL_PREDICATE,
    TITLE_PREFIX,
    is_synthetic,
)

__all__ = ["DOI_PREFIX", "FIRST_ID", "FIRST_PMID", "SQL_PREDICATE", "TITLE_PREFIX",
           "Snapshot", "World", "is_synthetic", "load_world", "world_from_records",
           "write_part", "write_snapshot"]

_LAZY = {"Snapshot": "snapshot", "write_part": "snapshot", "write_snapshot": "snapshot",
         "World": "world", "load_world": "world", "world_from_records": "world"}


def __getattr__(name: str):
    """The generator itself is imported on first use: it loads Faker's name lists, which
    the pages that only test `is_synthetic` do not need."""
    if name in _LAZY:
        import importlib

        module = importlib.import_module(f"{__name__}.{_LAZY[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
