"""How a synthetic work says it is one, in its record and in the observatory's store.

Every generated work carries all of these marks; the store keeps the first one unchanged, so
it is the one the pages and exports test (`is_synthetic`, `SQL_PREDICATE`):

- its OpenAlex id is in the W9… range, W9000000000 to W9999999999, which OpenAlex has not
  reached (its ids were below W4800000000 in 2025); in the store, `source = 'openalex'` and a
  `source_id` of "W9" followed by nine digits;
- its title starts with "[synthetic] ";
- its DOI is under 10.5555/jumelage-synthetic. (10.5555 is the prefix Crossref keeps for
  tests) and its PMID, when it has one, is 900,000,000 or more;
- its authors' ORCIDs are in the 0000-0000-… block, which ORCID never issues.

Synthetic works never merge with real ones: their DOIs, PMIDs and titles are all their own.
"""

FIRST_ID = 9_000_000_000  # work W9000000000 is the first; OpenAlex ids are far below
FIRST_PMID = 900_000_000
TITLE_PREFIX = "[synthetic] "
DOI_PREFIX = "10.5555/jumelage-synthetic."  # 10.5555: the prefix Crossref keeps for tests
SOURCE = "openalex"

# For SQL over the store's `works` table (or any table with source and source_id columns).
SQL_PREDICATE = ("(source = 'openalex' AND length(source_id) = 11 "
                 "AND regexp_full_match(source_id, 'W9[0-9]{9}'))")


def is_synthetic(*, source: str, source_id: str) -> bool:
    """Whether a stored work (by its source and its id in that source) is a synthetic one."""
    return (source == SOURCE and len(source_id) == 11 and source_id.startswith("W9")
            and source_id[2:].isdigit())
