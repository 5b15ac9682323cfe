"""Regenerate the generated part of tests/fixtures/affiliations/labelled.csv.

The generated rows (origin "generated:...") are address strings built from the names of the ROR
subset (../shared/data/ror/ror_fr_ca_subset.jsonl) in the forms authors and databases write them:
department prefixes, cities, postal codes, provinces, countries, French and English names, with
and without accents, Web of Science abbreviations, acronyms with a city; and negatives (places
alone, acronyms alone, institutions outside France and Canada). The hand-labelled rows (origin
"hand:...") are kept as they are. Deterministic (seed 20240611).

    .venv/bin/python -m bench.observatory.make_labelled
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a file
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.common import PROJECT_DIR
from jumelage.observatory.engine.matching import Registry
from jumelage.observatory.engine.matching.evaluation import Row, read_labelled, write_labelled
from jumelage.observatory.engine.matching.organisations import Organisation
from jumelage.observatory.engine.matching.registry import GENERIC_ACRONYMS, UNIT
from jumelage.observatory.engine.matching.text import (
    UNIT_HEADS,
    fold,
    looks_like_acronym,
    name_key,
    plain_tokens,
    unaccent,
)
from jumelage.observatory.engine.synthetic.places import CA_FSA, FR_DEPT, PROVINCES

SHARED_FILE = PROJECT_DIR.parent / "shared" / "data" / "ror" / "ror_fr_ca_subset.jsonl"
LABELLED = PROJECT_DIR / "tests" / "fixtures" / "affiliations" / "labelled.csv"
SEED = 20240611
STRATA = {"QC": 80, "ARA": 80, "CA": 30, "FR": 30}
ACRONYMS = 25

DEPTS_EN = ["Department of Medicine", "Department of Biochemistry", "Division of Cardiology",
            "Department of Oncology", "Laboratory of Molecular Genetics",
            "School of Public Health", "Department of Psychiatry", "Division of Nephrology",
            "Department of Surgery", "Unit of Clinical Epidemiology"]
DEPTS_FR = ["Service d'hématologie", "Département de médecine", "Laboratoire de génétique "
            "moléculaire", "Service de cardiologie", "Unité de recherche clinique",
            "Département de chirurgie", "Service de pneumologie", "Équipe Inflammation et "
            "immunité"]
WOS = {"University": "Univ", "Université": "Univ", "Universite": "Univ", "Department": "Dept",
       "Hospital": "Hosp", "Hôpital": "Hop", "Hopital": "Hop", "Centre": "Ctr", "Center": "Ctr",
       "Research": "Res", "Recherche": "Rech", "Institute": "Inst", "Institut": "Inst",
       "National": "Natl", "International": "Int", "Laboratory": "Lab", "Laboratoire": "Lab",
       "Sciences": "Sci", "Science": "Sci", "Medical": "Med", "Health": "Hlth",
       "Cancer": "Canc", "General": "Gen", "School": "Sch", "College": "Coll",
       "Foundation": "Fdn", "Society": "Soc", "Technology": "Technol"}
WOS_DROP = {"of", "de", "du", "des", "the", "la", "le", "les", "for", "d", "l"}

# Postal codes and provinces by city: the synthetic generator's tables.

FOREIGN = [
    "Department of Medicine, Karolinska Institutet, Stockholm, Sweden",
    "Institut Pasteur de Dakar, Dakar, Senegal",
    "Université Libre de Bruxelles, Brussels, Belgium",
    "Service d'oncologie, Hôpitaux Universitaires de Genève, Genève, Suisse",
    "Centre Hospitalier Universitaire Vaudois, Lausanne, Switzerland",
    "Université catholique de Louvain, Louvain-la-Neuve, Belgique",
    "Department of Oncology, University of Oxford, Oxford, UK",
    "Dana-Farber Cancer Institute, Harvard Medical School, Boston, MA 02215, USA",
    "Department of Epidemiology, Johns Hopkins Bloomberg School of Public Health, Baltimore, "
    "MD, USA",
    "Université de Liège, Liège, Belgium",
    "Institut Jules Bordet, Brussels, Belgium",
    "Memorial Sloan Kettering Cancer Center, New York, NY 10065, USA",
    "Universidad de Barcelona, Barcelona, Spain",
    "Charité - Universitätsmedizin Berlin, Berlin, Germany",
    "Department of Surgery, University of Tokyo, Tokyo, Japan",
    "Université Cheikh Anta Diop, Dakar, Sénégal",
    "Université de Sfax, Faculté de médecine, Sfax, Tunisie",
    "Centre Hospitalier Universitaire Mustapha, Alger, Algérie",
    "Institut Pasteur du Maroc, Casablanca, Maroc",
    "University of Melbourne, Parkville, Victoria, Australia",
    "Department of Psychiatry, University of California San Francisco, San Francisco, CA, USA",
    "Mayo Clinic, Rochester, MN 55905, USA",
]
PLACES_ONLY = ["Lyon, France", "Montréal (Québec) H3T 1J4, Canada", "69008 Lyon",
               "Laval, QC, Canada", "Grenoble, France", "Québec, Canada",
               "Clermont-Ferrand Cedex 1, France", "Sherbrooke, QC J1K 2R1, Canada",
               "F-38000 Grenoble", "Saint-Étienne, France", "Montreal, Quebec, Canada",
               "Villeurbanne, France", "Toronto, ON M5S 1A8, Canada", "Paris, France"]
BARE_ACRONYMS = ["CHUM", "HCL", "CLB", "UdeM", "UGA", "CNRS", "INSERM", "CHUS", "UCBL",
                 "McGill"]
DEPARTMENTS_ONLY = ["Department of Medicine, Faculty of Medicine", "Service de cardiologie",
                    "Division of Hematology, Department of Internal Medicine",
                    "Laboratoire d'immunologie, Centre hospitalier"]


def main() -> None:
    registry = Registry.from_ror_file(SHARED_FILE)
    rows = [r for r in read_labelled(LABELLED) if r.group != "generated"] \
        if LABELLED.exists() else []
    seen = {r.affiliation for r in rows}
    generated = []
    for row in generate(registry, random.Random(SEED)):
        if row.affiliation not in seen:  # a hand-labelled row says it already
            seen.add(row.affiliation)
            generated.append(row)
    write_labelled(LABELLED, generated + rows)
    print(f"{LABELLED}: {len(generated)} generated rows, {len(rows)} hand-labelled rows")


def generate(registry: Registry, rng: random.Random) -> list[Row]:
    pools: dict[str, list[Organisation]] = {k: [] for k in STRATA}
    for org in sorted(registry.orgs.values(), key=lambda o: o.ror_id):
        if not org.active or not org.city or "company" in org.types:
            continue
        region = registry.region.get(org.ror_id, "")
        stratum = ("QC" if region == "CA-QC" else "ARA" if region == "FR-ARA"
                   else org.country_code)
        if stratum in pools and _names(registry, org):
            pools[stratum].append(org)
    rows: list[Row] = []
    used: set[str] = set()
    for stratum, count in STRATA.items():
        for i, org in enumerate(rng.sample(pools[stratum], count)):
            used.add(org.ror_id)
            name = rng.choice(_names(registry, org))
            rows.append(_row(org, name, form=i % 7, rng=rng, registry=registry))
    rows.extend(_acronym_rows(registry, rng, used))
    rows.extend(_negatives(rng))
    return rows


def _names(registry: Registry, org: Organisation) -> list[str]:
    """Names of `org` that name it alone (no other organisation has the same key)."""
    result = []
    for name in (org.name, *org.labels):
        key = name_key(name).tokens
        if (len(key) < 2 or len(name) > 110 or looks_like_acronym(name)
                or key[0] in UNIT_HEADS or "(" in name
                or any(e.kind == UNIT for e in registry.names.get(key, ()))
                or tuple(plain_tokens(fold(name))) in registry.city_places):
            continue
        if all(e.ror_id == org.ror_id for e in registry.names.get(key, ())) and all(
                e.ror_id == org.ror_id for e in registry.bags.get(frozenset(key), ())):
            result.append(name)
    return result


def _row(org: Organisation, name: str, *, form: int, rng: random.Random,
         registry: Registry) -> Row:
    city = org.city
    country = "Canada" if org.country_code == "CA" else "France"
    postal = _postal(org, rng)
    dept = rng.choice(DEPTS_FR if org.country_code == "FR" or form % 2 else DEPTS_EN)
    region = PROVINCES.get(org.region, ("", ""))
    if form == 0:
        text = (f"{dept}, {name}, {postal} {city}, {country}" if org.country_code == "FR"
                else f"{dept}, {name}, {city}, {region[0] or org.region} {postal}, {country}")
    elif form == 1:
        text = (f"{dept}, {name}, {postal} {city}, {country}" if org.country_code == "FR"
                else f"{dept}, {name}, {city} ({region[1] or org.region}) {postal}, {country}")
    elif form == 2:
        text = f"{unaccent(name)}, {unaccent(city)}, {country}"
    elif form == 3:
        wos = _wos(name)
        province = "PQ" if region[0] == "QC" else region[0]
        text = (f"{wos}, {_wos(dept)}, {unaccent(city)}, {province} {postal}, Canada."
                if org.country_code == "CA" else
                f"{wos}, {_wos(dept)}, {'F-' + postal if postal else ''} {unaccent(city)}, "
                "France.")
    elif form == 4:
        text = f"{name}, {city}"
    elif form == 5:
        text = (f"{name}, {postal} {city} Cedex, France" if org.country_code == "FR"
                else f"{name}, {city}, {region[0] or org.region}, Canada")
    else:
        text = f"{dept.lower()}, {unaccent(name).lower()}, {unaccent(city).lower()}"
    text = " ".join(text.split()).replace(" ,", ",").replace(", ,", ",").replace(" )", ")")
    text = text.replace("()", "").replace(" ,", ",")
    kind = ["dept-city-postal", "dept-postal", "unaccented", "wos", "name-city",
            "cedex-or-province", "lower-case"][form]
    return Row(affiliation=text, ror_ids=(org.ror_id,), origin=f"generated:{kind}",
               note=f"{org.name} ({org.city})")


def _postal(org: Organisation, rng: random.Random) -> str:
    if org.country_code == "CA":
        fsa = CA_FSA.get(org.city)
        if fsa is None:
            return ""
        letters = "ABCEGHJKLMNPRSTVWXYZ"
        return (f"{fsa}{rng.choice(letters)} {rng.randint(0, 9)}{rng.choice(letters)}"
                f"{rng.randint(0, 9)}")
    dept = FR_DEPT.get(org.city)
    return f"{dept}{rng.randint(0, 9)}{rng.randint(0, 9)}0" if dept else ""


def _wos(text: str) -> str:
    words = []
    for word in unaccent(text).replace("'", " ").replace("’", " ").split():
        if word.lower() in WOS_DROP:
            continue
        words.append(WOS.get(word, WOS.get(word.capitalize(), word)))
    return " ".join(words).replace(" and ", " & ")


def _acronym_rows(registry: Registry, rng: random.Random, used: set[str]) -> list[Row]:
    candidates = []
    for acronym, entries in sorted(registry.acronyms.items()):
        ids = {e.ror_id for e in entries if registry.orgs[e.ror_id].active}
        if (len(ids) != 1 or len(acronym) < 3 or acronym.upper() in GENERIC_ACRONYMS
                or any(e.local for e in entries)):
            continue
        org = registry.orgs[ids.pop()]
        if org.ror_id in used or not org.city or "company" in org.types:
            continue
        if registry.region.get(org.ror_id) in ("CA-QC", "FR-ARA"):
            candidates.append((acronym, org))
    rows = []
    for acronym, org in rng.sample(candidates, ACRONYMS):
        country = "Canada" if org.country_code == "CA" else "France"
        rows.append(Row(affiliation=f"{rng.choice(DEPTS_EN)}, {acronym}, {org.city}, {country}",
                        ror_ids=(org.ror_id,), origin="generated:acronym-city",
                        note=f"{org.name} ({org.city})"))
    return rows


def _negatives(rng: random.Random) -> list[Row]:
    rows = [Row(text, (), "generated:foreign", "outside France and Canada") for text in FOREIGN]
    rows += [Row(text, (), "generated:place-only", "a place, no institution")
             for text in PLACES_ONLY]
    rows += [Row(text, (), "generated:bare-acronym", "an acronym with no place to confirm it")
             for text in BARE_ACRONYMS]
    rows += [Row(text, (), "generated:department-only", "no institution named")
             for text in DEPARTMENTS_ONLY]
    return rows


if __name__ == "__main__":
    main()
