"""Synthetic OpenAlex works: who signs them (the mix of countries and regions), about what,
where, with which affiliation strings and which links to institutions."""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Iterator
from itertools import accumulate

from jumelage.observatory.engine.synthetic.marks import (
    DOI_PREFIX,
    FIRST_ID,
    FIRST_PMID,
    TITLE_PREFIX,
)
from jumelage.observatory.engine.synthetic.people import _mix, affiliation_string, author_of
from jumelage.observatory.engine.synthetic.vocabulary import (
    ABSTRACT_WORDS,
    DESIGNS_EN,
    DESIGNS_FR,
    DOC_TYPE_WEIGHTS,
    DOC_TYPES,
    HEADS_EN,
    HEADS_FR,
    JOURNAL_WEIGHTS,
    JOURNALS,
    MESH_UI,
    METHODS_EN,
    POPULATIONS_EN,
    POPULATIONS_FR,
    REPOSITORIES,
    SOURCE_NUMBERS,
    TOPIC_WEIGHTS,
    TOPICS,
    YEAR_WEIGHTS,
    YEARS,
)
from jumelage.observatory.engine.synthetic.world import Institution, World

# (kind, probability, zones of its institutions: the first is the lead)
KINDS = [("fr", 0.46), ("ca", 0.34), ("foreign", 0.04), ("fr+foreign", 0.06),
         ("ca+foreign", 0.06), ("fr+ca", 0.03), ("ara+qc", 0.01)]
KIND_WEIGHTS = list(accumulate(p for _k, p in KINDS))
FOREIGN_ZONES = ("US", "GB", "DE")


def _choose(rng: random.Random, cumulative: list[float]) -> int:
    return min(bisect.bisect_right(cumulative, rng.random() * cumulative[-1]),
               len(cumulative) - 1)


def _zones(rng: random.Random, kind: str) -> list[str]:
    """The zones of a work's institution groups, lead first."""
    extra = 0
    roll = rng.random()
    if roll < 0.30:
        extra = 1
    elif roll < 0.42:
        extra = 2
    if kind == "fr":
        zones = ["FR*"] * (1 + extra)
    elif kind == "ca":
        zones = ["CA*"] * (1 + extra)
    elif kind == "foreign":
        zones = [rng.choice(FOREIGN_ZONES)] + [rng.choice(FOREIGN_ZONES) for _ in range(extra)]
    elif kind == "fr+foreign":
        zones = ["FR*", rng.choice(FOREIGN_ZONES)] + ["FR*"] * extra
    elif kind == "ca+foreign":
        zones = ["CA*", rng.choice(FOREIGN_ZONES)] + ["CA*"] * extra
    elif kind == "fr+ca":
        zones = ["FR", "CA"] if rng.random() < 0.6 else ["CA", "FR"]
        zones += [rng.choice(("FR*", "CA*")) for _ in range(extra)]
    else:  # ara+qc
        zones = ["FR_ARA", "CA_QC"] if rng.random() < 0.5 else ["CA_QC", "FR_ARA"]
        zones += [rng.choice(("FR_ARA", "CA_QC", "FR*", "CA*")) for _ in range(extra)]
    return zones


def _author_count(rng: random.Random) -> int:
    if rng.random() < 0.002:  # consortium papers
        return min(500, int(40 * rng.paretovariate(1.2)))
    return max(1, round(rng.lognormvariate(1.49, 0.72)))


class WorkMaker:
    """Makes the works of one part from its own random stream."""

    def __init__(self, world: World, *, seed: int):
        self.world, self.seed = world, seed
        self.insts = world.institutions

    def works(self, *, start: int, count: int) -> Iterator[dict]:
        rng = random.Random(f"works:{self.seed}:{start}")
        for number in range(start, start + count):
            yield self.work(rng, number)

    def _group_institution(self, rng: random.Random, zone: str, used: set[int]) -> Institution:
        for _attempt in range(4):
            inst = self.world.pick(rng, zone)
            if inst.index not in used:
                break
        used.add(inst.index)
        return inst

    def _second(self, rng: random.Random, inst: Institution) -> Institution:
        """A second appointment: the parent (a lab's university), or a neighbour."""
        if inst.parents and rng.random() < 0.6:
            return self.insts[rng.choice(inst.parents)]
        zone = inst.zone if inst.zone in self.world.zones else inst.country
        return self.world.pick(rng, zone)

    def work(self, rng: random.Random, number: int) -> dict:
        world_id = FIRST_ID + number
        kind = KINDS[_choose(rng, KIND_WEIGHTS)][0]
        zones = _zones(rng, kind)
        n_authors = _author_count(rng)
        if kind == "ara+qc" or "+" in kind:
            n_authors = max(n_authors, 2)
        zones = zones[:n_authors]
        used: set[int] = set()
        groups = [self._group_institution(rng, zone, used) for zone in zones]
        # Authors to groups: the lead group first and mostly last; every group has one.
        plan = list(range(len(groups)))
        for _ in range(n_authors - len(groups)):
            plan.append(0 if rng.random() < 0.5 else rng.randrange(len(groups)))
        rest = plan[1:]
        rng.shuffle(rest)
        plan = [0, *rest]
        if n_authors > 2 and plan[-1] != 0 and rng.random() < 0.6 and 0 in plan[1:-1]:
            swap = plan.index(0, 1, n_authors - 1)  # the lead group signs last
            plan[swap], plan[-1] = plan[-1], 0
        corresponding = 0 if rng.random() < 0.6 else n_authors - 1
        year = YEARS[_choose(rng, YEAR_WEIGHTS)]
        topic_count = 1 + (rng.random() < 0.6) + (rng.random() < 0.4)
        topics = []
        for _ in range(topic_count):
            topic = TOPICS[_choose(rng, TOPIC_WEIGHTS)]
            if topic not in topics:
                topics.append(topic)
        lead = topics[0]
        authorships = [self._authorship(rng, position, n_authors, groups[g], world_id,
                                        corresponding)
                       for position, g in enumerate(plan)]
        doc_type, crossref_type, _w = DOC_TYPES[_choose(rng, DOC_TYPE_WEIGHTS)]
        french = rng.random() < 0.08 and any(i.country in ("FR", "CA") for i in groups)
        title = TITLE_PREFIX + self._title(rng, lead, french, groups[0].city, year)
        work_id = f"https://openalex.org/W{world_id}"
        doi = f"https://doi.org/{DOI_PREFIX}{world_id}" if rng.random() < 0.9 else None
        medical = lead[3] == "Health Sciences" or lead[2] == "Immunology and Microbiology"
        pmid = (f"https://pubmed.ncbi.nlm.nih.gov/{FIRST_PMID + number}"
                if medical and rng.random() < 0.7 else None)
        age = 2025 - year
        cited = int(rng.lognormvariate(math.log(1 + 1.8 * age), 1.1)) if age else \
            int(rng.random() * 3)
        is_oa = rng.random() < (0.35 + 0.02 * (year - 2000))
        source = (rng.choice(REPOSITORIES) if doc_type == "preprint"
                  else JOURNALS[_choose(rng, JOURNAL_WEIGHTS)])
        ids = {"openalex": work_id}
        if doi:
            ids["doi"] = doi
        if pmid:
            ids["pmid"] = pmid
        institutions = {i["id"] for a in authorships for i in a["institutions"]}
        countries = {c for a in authorships for c in a["countries"]}
        record = {
            "id": work_id,
            "doi": doi,
            "title": title,
            "display_name": title,
            "publication_year": year,
            "publication_date": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "ids": ids,
            "language": "fr" if french else "en",
            "primary_location": {
                "is_oa": is_oa, "landing_page_url": doi,
                "source": {"id": f"https://openalex.org/S9{SOURCE_NUMBERS[source]:09d}",
                           "display_name": source,
                           "type": "repository" if doc_type == "preprint" else "journal"}},
            "type": doc_type,
            "type_crossref": crossref_type,
            "open_access": {"is_oa": is_oa,
                            "oa_status": rng.choice(("gold", "green", "hybrid", "bronze"))
                            if is_oa else "closed"},
            "authorships": authorships,
            "countries_distinct_count": len(countries),
            "institutions_distinct_count": len(institutions),
            "corresponding_author_ids": [authorships[corresponding]["author"]["id"]],
            "fwci": (None if year >= 2024 or rng.random() < 0.1
                     else round(rng.lognormvariate(-0.25, 0.9), 3)),
            "cited_by_count": cited,
            "primary_topic": self._topic(lead, 0.99),
            "topics": [self._topic(t, round(0.99 - 0.12 * k, 4)) for k, t in enumerate(topics)],
            "keywords": [{"id": f"https://openalex.org/keywords/{k.lower().replace(' ', '-')}",
                          "display_name": k, "score": round(0.7 - 0.1 * j, 2)}
                         for j, k in enumerate(rng.sample(lead[4], rng.randint(0, len(lead[4]))))],
            "mesh": self._mesh(rng, lead) if pmid else [],
            "referenced_works_count": 0,
            "referenced_works": [],
            "abstract_inverted_index": self._abstract(rng, lead) if rng.random() < 0.5 else None,
            "updated_date": "2025-01-01T00:00:00.000000",
            "created_date": f"{year}-01-01",
        }
        if doc_type in ("article", "review"):
            refs = min(80, int(rng.lognormvariate(3.0, 0.7)))
            record["referenced_works"] = [
                f"https://openalex.org/W9{rng.randrange(10**10):010d}" for _ in range(refs)]
            record["referenced_works_count"] = refs
        return record

    def _authorship(self, rng: random.Random, position: int, n_authors: int,
                    inst: Institution, work_id: int, corresponding: int) -> dict:
        # Prolific authors first: a few people sign many works.
        number = int(inst.pool * rng.random() ** 2.5)
        author = author_of(self.seed, inst, number)
        affiliated = [inst]
        roll = rng.random()
        if roll < 0.25:
            affiliated.append(self._second(rng, inst))
            if roll < 0.05:
                affiliated.append(self._second(rng, affiliated[-1]))
        affiliated = list({i.index: i for i in affiliated}.values())
        # Mostly the author's own string for this place, now and then a new one.
        strings: list[tuple[str, list[Institution]]] = []
        if len(affiliated) > 1 and rng.random() < 0.2:
            own = random.Random(_mix(self.seed, author.key, affiliated[1].index, 1))
            text = affiliation_string(own if rng.random() < 0.8 else rng, inst, parent=None,
                                      author=author, partner=affiliated[1])
            strings.append((text, affiliated[:2]))
            affiliated = affiliated[2:]
        for place in affiliated:
            parent = None
            if place.parents and rng.random() < 0.3:
                parent = self.insts[place.parents[0]]
            own = random.Random(_mix(self.seed, author.key, place.index))
            text = affiliation_string(own if rng.random() < 0.8 else rng, place, parent=parent,
                                      author=author)
            strings.append((text, [place] + ([parent] if parent else [])))
        institutions: dict[str, dict] = {}
        links = []
        countries: list[str] = []
        raws = []
        for text, places in strings:
            raws.append(text)
            roll = rng.random()
            ids = []
            if roll < 0.14:  # OpenAlex linked the string to nothing
                if rng.random() < 0.7:
                    countries.append(places[0].country)
            else:
                for place in places:
                    without_ror = roll < 0.20
                    entry = self._institution(place, without_ror=without_ror)
                    institutions.setdefault(entry["id"], entry)
                    ids.append(entry["id"])
                    countries.append(place.country)
            links.append({"raw_affiliation_string": text, "institution_ids": ids})
        if rng.random() < 0.01:  # an older record: institutions, no strings
            raws, links = [], []
        name = author.name
        return {
            "author_position": "first" if position == 0 else
            "last" if position == n_authors - 1 else "middle",
            "author": {"id": f"https://openalex.org/A9{author.key:010d}", "display_name": name,
                       "orcid": f"https://orcid.org/{author.orcid}" if author.orcid else None},
            "institutions": list(institutions.values()),
            "countries": sorted(set(countries)),
            "is_corresponding": position == corresponding,
            "raw_author_name": name if rng.random() < 0.7 else
            f"{name.split(' ', 1)[0][0]}. {name.split(' ', 1)[-1]}",
            "raw_affiliation_strings": raws,
            "affiliations": links,
        }

    @staticmethod
    def _institution(inst: Institution, *, without_ror: bool) -> dict:
        if without_ror:  # an institution OpenAlex made from strings, without a ROR id
            return {"id": f"https://openalex.org/I98{inst.index:08d}",
                    "display_name": inst.name, "ror": None, "country_code": inst.country,
                    "type": "other", "lineage": [f"https://openalex.org/I98{inst.index:08d}"]}
        return {"id": f"https://openalex.org/I9{inst.index:09d}", "display_name": inst.name,
                "ror": f"https://ror.org/{inst.ror_id}", "country_code": inst.country,
                "type": inst.kind, "lineage": [f"https://openalex.org/I9{inst.index:09d}"]}

    @staticmethod
    def _topic(topic: tuple, score: float) -> dict:
        name, subfield, fieldname, domain = topic[:4]
        return {"id": f"https://openalex.org/T9{TOPICS.index(topic):04d}", "display_name": name,
                "score": score, "subfield": {"display_name": subfield},
                "field": {"display_name": fieldname}, "domain": {"display_name": domain}}

    @staticmethod
    def _title(rng: random.Random, topic: tuple, french: bool, place: str, year: int) -> str:
        """Titles as varied as real ones: two works seldom share one (the dedupe merges works
        with the same title and year)."""
        start = year - rng.randint(3, 15)
        period = f"{start}–{year - rng.randint(1, 2)}"
        size = rng.randint(24, 4000)
        if french:
            return (f"{rng.choice(HEADS_FR)} {rng.choice(topic[7])} chez "
                    f"{rng.choice(POPULATIONS_FR)} à {place} ({period}) : "
                    f"{rng.choice(DESIGNS_FR)} de {size} patients")
        subject = rng.choice(topic[6])
        roll = rng.random()
        if topic[3] == "Physical Sciences" or topic[2].startswith("Agricultural"):
            return (f"{subject[0].upper()}{subject[1:]}: {rng.choice(METHODS_EN)} "
                    f"({place}, {period}, {size} samples)")
        if roll < 0.4:
            return (f"{rng.choice(HEADS_EN)} {subject} in {rng.choice(POPULATIONS_EN)} from "
                    f"{place}, {period}: {rng.choice(DESIGNS_EN)}")
        if roll < 0.7:
            return (f"{subject[0].upper()}{subject[1:]} in {size} {rng.choice(POPULATIONS_EN)}: "
                    f"{rng.choice(DESIGNS_EN)} ({place}, {period})")
        return (f"{rng.choice(HEADS_EN)} {subject}: {rng.choice(DESIGNS_EN)} of {size} cases "
                f"in {place} and beyond")

    @staticmethod
    def _mesh(rng: random.Random, topic: tuple) -> list[dict]:
        names = [*topic[5], "Humans", *rng.sample(
            ["Female", "Male", "Adult", "Middle Aged", "Aged", "Retrospective Studies",
             "Prospective Studies", "Cohort Studies"], rng.randint(1, 4))]
        return [{"descriptor_ui": MESH_UI[name], "descriptor_name": name, "qualifier_ui": "",
                 "qualifier_name": None, "is_major_topic": k < len(topic[5])}
                for k, name in enumerate(names)]

    @staticmethod
    def _abstract(rng: random.Random, topic: tuple) -> dict:
        words = [*topic[6][0].split(), *rng.choices(ABSTRACT_WORDS, k=rng.randint(40, 110))]
        index: dict[str, list[int]] = {}
        for position, word in enumerate(words):
            index.setdefault(word, []).append(position)
        return index

