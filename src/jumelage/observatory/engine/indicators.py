"""The partnership's collaboration indicators, written once with Ibis.

The same expressions run on DuckDB (the store, by default) and on PySpark (a full OpenAlex
snapshot on a cluster): every function takes an Ibis backend whose tables are those of the
store (works, work_map, affiliations, authorships, resolutions, institutions, work_themes).

Counting rules:
- a co-publication has at least one address on each side (full counting: it counts 1);
- fractional counting splits each work into its author–affiliation links: an author weighs
  1 / number of authors, shared equally between their affiliations; a side's fractional count
  is the sum of the weights of its links;
- an institution pair is counted once per work however many authors link it, and the most
  specific institution of an address is credited (a research centre, not its university), as
  InCites does.
"""

from dataclasses import asdict, dataclass, field

import ibis
import ibis.expr.types as ir

# Region names as ROR and the directory write them -> the codes used in scopes.
REGION_CODES = {
    "auvergne-rhone-alpes": "ARA", "rhone-alpes": "ARA", "auvergne": "ARA",
    "quebec": "QC",
}


@dataclass(frozen=True)
class Scope:
    """What is counted. Sides are region codes (ARA, QC) or country codes (FR, CA)."""

    sides: tuple[str, str] = ("ARA", "QC")
    since: int | None = None
    until: int | None = None
    doc_types: tuple[str, ...] = ()  # empty: every type
    sources: tuple[str, ...] = ()  # empty: every source loaded
    themes: tuple[str, ...] = ()  # empty: every work; else works in one of these themes
    counting: str = "full"

    def describe(self, *, sources_loaded: list[str], years: tuple[int | None, int | None],
                 region_codes: set[str]) -> dict:
        return {
            "sides": [{"code": code, "kind": "region" if code in region_codes else "country"}
                      for code in self.sides],
            "sources": list(self.sources) or sources_loaded,
            "years": {"from": years[0], "to": years[1]},
            "document_types": list(self.doc_types) or "all",
            "fields": list(self.themes) or "all",
            "counting": {"copublications": "full (at least one address on each side)",
                         "fractional": "author-affiliation links, 1/authors per author, "
                                       "split equally between an author's affiliations"},
            "deduplication": "across sources by DOI, then PMID, then title and year",
        }


@dataclass
class Report:
    scope: dict
    copublications: int
    copublications_by_year: dict[str, int]
    cumulative_by_year: dict[str, int]
    growth_by_year: dict[str, float | None]
    fractional: dict[str, float]
    output: dict[str, int]
    share_of_output: dict[str, float | None]
    by_theme: dict[str, int]
    institution_pairs: list[dict]
    top_coauthors: list[dict]
    citations: dict[str, float | None]
    open_access_share: float | None
    unresolved_affiliations: int = 0
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def _scoped_works(con, scope: Scope) -> ir.Table:
    works, work_map = con.table("works"), con.table("work_map")
    rep = work_map.filter(work_map.representative).join(works, ["source", "source_id"])
    if scope.since is not None:
        rep = rep.filter(rep.year >= scope.since)
    if scope.until is not None:
        rep = rep.filter(rep.year <= scope.until)
    if scope.doc_types:
        rep = rep.filter(rep.doc_type.isin(list(scope.doc_types)))
    if scope.sources:
        rep = rep.filter(rep.source.isin(list(scope.sources)))
    if scope.themes:
        themes = con.table("work_themes")
        chosen = themes.filter(themes.theme.isin(list(scope.themes))).select("work_id").distinct()
        rep = rep.semi_join(chosen, "work_id")
    return rep


def _links(con, rep: ir.Table) -> ir.Table:
    """One row per author–affiliation link of the scoped works, with its weight."""
    affiliations, authorships = con.table("affiliations"), con.table("authorships")
    keys = rep.select("source", "source_id", "work_id", "n_authors")
    links = affiliations.join(keys, ["source", "source_id"]).join(
        authorships.select("source", "source_id", "position", "n_affiliations"),
        ["source", "source_id", "position"])
    weight = 1.0 / (links.n_authors.cast("float64") * links.n_affiliations.cast("float64"))
    return links.mutate(weight=weight)


def _link_places(con, links: ir.Table) -> ir.Table:
    """(work_id, position, seq, ror_id, country_code, region_code) for every place a link
    names: the institutions the source or the matcher gave, and the source's countries."""
    institutions, resolutions = con.table("institutions"), con.table("resolutions")
    key = ["work_id", "position", "seq"]
    given = links.filter(links.ror_ids.length() > 0)
    given = given.select(*key, ror_id=given.ror_ids.unnest())
    matched = links.filter(links.ror_ids.length() == 0).join(
        resolutions.filter(resolutions.ror_id.notnull()).select("raw", "ror_id"), "raw")
    matched = matched.select(*key, "ror_id")
    by_institution = given.union(matched).distinct().left_join(
        institutions.select("ror_id", "country_code", "region_code"), "ror_id")
    by_institution = by_institution.select(*key, "ror_id", "country_code", "region_code")
    countries = links.filter(links.country_codes.length() > 0)
    countries = countries.select(
        *key, ror_id=ibis.null("string"), country_code=countries.country_codes.unnest(),
        region_code=ibis.null("string"))
    # No institution and no country from the source: the place the address names, if any.
    located = links.filter((links.ror_ids.length() == 0)
                           & (links.country_codes.length() == 0)).join(
        resolutions.filter(resolutions.ror_id.isnull() & resolutions.country_code.notnull())
        .select("raw", "country_code", "region_code"), "raw")
    located = located.select(*key, ror_id=ibis.null("string"), country_code="country_code",
                             region_code="region_code")
    return by_institution.union(countries).union(located)


def _side_places(places: ir.Table, code: str, region_codes: set[str]) -> ir.Table:
    if code in region_codes:
        return places.filter(places.region_code == code)
    return places.filter(places.country_code == code)


def _dict(table: ir.Table, key: str, value: str) -> dict:
    data = table.to_pyarrow().to_pydict()
    return dict(zip(data[key], data[value], strict=True))


@dataclass(frozen=True)
class Copublications:
    """The co-publications of a scope and what they were found from, as Ibis expressions.

    - `works`: the co-publications, one row per work (its representative record, with every
      column of `works` and `work_map`);
    - `ids`: their `work_id`s;
    - `scoped`: every work in the scope (years, types, sources, themes), co-publication or not;
    - `links`: the author–affiliation links of the scoped works, with their fractional weight;
    - `places`: (work_id, position, seq, ror_id, country_code, region_code) of every place a
      link names: institutions given by the source or resolved by the matcher, and countries;
    - `sides`: each side's code -> the places on that side; `works_of`: each side's code -> the
      `work_id`s of the scoped works with an address on that side;
    - `region_codes`: the codes read as regions (the others are countries).
    """

    works: ir.Table
    ids: ir.Table
    scoped: ir.Table
    links: ir.Table
    places: ir.Table
    sides: dict[str, ir.Table]
    works_of: dict[str, ir.Table]
    region_codes: frozenset[str]

    def sides_of(self, *, region: str | None, country: str | None) -> list[str]:
        """The scope's sides an institution with this region and country is on."""
        return [code for code in self.sides
                if (region if code in self.region_codes else country) == code]


def copublications(con, scope: Scope) -> Copublications:
    """The works of `scope` with at least one address on each of its two sides (full
    counting), on any Ibis backend holding the store's tables (indexed).

    The one definition of a co-publication: the indicators, the networks and the pages' list
    of works all start from it. Raises ValueError when the two sides are the same.
    """
    side_a, side_b = scope.sides
    if side_a == side_b:
        raise ValueError(f"the two sides must differ (both are {side_a})")
    institutions = con.table("institutions")
    region_codes = {r for r in institutions.region_code.to_pyarrow().to_pylist() if r}
    region_codes |= set(REGION_CODES.values())
    rep = _scoped_works(con, scope)
    links = _links(con, rep)
    places = _link_places(con, links)
    sides = {code: _side_places(places, code, region_codes) for code in scope.sides}
    works_of = {code: rows.select("work_id").distinct() for code, rows in sides.items()}
    ids = works_of[side_a].join(works_of[side_b], "work_id").select("work_id")
    return Copublications(works=rep.semi_join(ids, "work_id"), ids=ids, scoped=rep,
                          links=links, places=places, sides=sides, works_of=works_of,
                          region_codes=frozenset(region_codes))


def compute(con, scope: Scope) -> Report:
    found = copublications(con, scope)
    side_a, side_b = scope.sides
    region_codes = set(found.region_codes)
    rep, links, sides, works_of = found.scoped, found.links, found.sides, found.works_of
    copubs, co_rep = found.ids, found.works

    total = int(co_rep.count().to_pyarrow().as_py())
    by_year_table = co_rep.group_by("year").aggregate(n=co_rep.work_id.nunique()).order_by("year")
    by_year = {str(k): int(v) for k, v in _dict(by_year_table, "year", "n").items()
               if k is not None}
    cumulative, running = {}, 0
    for year in sorted(by_year, key=int):
        running += by_year[year]
        cumulative[year] = running
    growth: dict[str, float | None] = {}
    previous = None
    for year in sorted(by_year, key=int):
        growth[year] = (None if previous in (None, 0)
                        else round((by_year[year] - previous) / previous, 4))
        previous = by_year[year]

    fractional = {}
    output = {}
    share = {}
    for code, rows in sides.items():
        side_links = rows.select("work_id", "position", "seq").distinct().join(
            links.select("work_id", "position", "seq", "weight"), ["work_id", "position", "seq"])
        co_links = side_links.semi_join(copubs, "work_id")
        value = co_links.weight.sum().to_pyarrow().as_py()
        fractional[code] = round(float(value or 0.0), 4)
        output[code] = int(works_of[code].count().to_pyarrow().as_py())
        share[code] = round(total / output[code], 4) if output[code] else None

    themes = con.table("work_themes").semi_join(copubs, "work_id")
    by_theme_table = themes.group_by("theme").aggregate(n=themes.work_id.nunique())
    by_theme = {k: int(v) for k, v in sorted(_dict(by_theme_table, "theme", "n").items())}

    a_inst = sides[side_a].filter(sides[side_a].ror_id.notnull()).select(
        "work_id", a=sides[side_a].ror_id).distinct()
    b_inst = sides[side_b].filter(sides[side_b].ror_id.notnull()).select(
        "work_id", b=sides[side_b].ror_id).distinct()
    pairs = a_inst.join(b_inst, "work_id")
    pairs = pairs.group_by(["a", "b"]).aggregate(n=pairs.work_id.nunique()).order_by(
        [ibis.desc("n"), "a", "b"])
    pair_rows = pairs.to_pyarrow().to_pylist()
    institution_pairs = [{"a": r["a"], "b": r["b"], "count": int(r["n"])} for r in pair_rows]

    authorships = con.table("authorships")
    co_authors = authorships.join(co_rep.select("source", "source_id", "work_id"),
                                  ["source", "source_id"])
    person = ibis.coalesce(co_authors.orcid, co_authors.name)
    top = co_authors.mutate(person=person).group_by("person").aggregate(
        n=co_authors.work_id.nunique()).order_by([ibis.desc("n"), "person"]).limit(10)
    top_coauthors = [{"author": r["person"], "copublications": int(r["n"])}
                     for r in top.to_pyarrow().to_pylist()]

    stats = co_rep.aggregate(
        mean_citations=co_rep.cited_by_count.mean(), mean_fwci=co_rep.fwci.mean(),
        oa=co_rep.is_oa.cast("int8").mean(), years_min=co_rep.year.min(),
        years_max=co_rep.year.max()).to_pyarrow().to_pylist()[0]
    resolutions = con.table("resolutions")
    unresolved = int(resolutions.filter(resolutions.ror_id.isnull()).count().to_pyarrow()
                     .as_py())
    loaded = sorted(rep.source.to_pyarrow().unique().to_pylist())
    return Report(
        scope=scope.describe(sources_loaded=loaded,
                             years=(scope.since or stats["years_min"],
                                    scope.until or stats["years_max"]),
                             region_codes=region_codes),
        copublications=total,
        copublications_by_year=by_year,
        cumulative_by_year=cumulative,
        growth_by_year=growth,
        fractional=fractional,
        output=output,
        share_of_output=share,
        by_theme=by_theme,
        institution_pairs=institution_pairs,
        top_coauthors=top_coauthors,
        citations={"mean": _round(stats["mean_citations"]),
                   "mean_fwci": _round(stats["mean_fwci"])},
        open_access_share=_round(stats["oa"]),
        unresolved_affiliations=unresolved,
    )


def _round(value) -> float | None:
    return None if value is None else round(float(value), 4)
