"""Synthetic OpenAlex works over real institutions, at any scale: a snapshot folder to benchmark
and demonstrate the observatory with.

Every work is **synthetic** and says so: its title starts with "[synthetic] ", its id is in the
W9… range (W9000000000 and up, which OpenAlex has not reached), its DOI is under the test prefix
10.5555, its PMID (when it has one) is 900,000,000 or more, its authors' ORCIDs are in the
0000-0000-… block that ORCID never issues, and the folder holds a SYNTHETIC.txt. Authors are
made-up names (Faker's name lists); the institutions are real: the active organisations of the
ROR subset (../shared/data/ror/ror_fr_ca_subset.jsonl; region flags ARA and QC from its
`partner_region`) plus a few US, UK and German ones written below.

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

Memory stays flat: works are written as they are made.

    .venv/bin/python -m bench.observatory.generate --works 1000000 --out /tmp/synth --seed 1
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import functools
import gzip
import json
import math
import random
import sys
import time
import unicodedata
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

if __package__ in (None, ""):  # run as a file
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.common import PROJECT_DIR
from bench.observatory.make_labelled import CA_FSA, FR_DEPT, PROVINCES

SHARED_FILE = PROJECT_DIR.parent / "shared" / "data" / "ror" / "ror_fr_ca_subset.jsonl"
FIRST_ID = 9_000_000_000  # work W9000000000 is the first; OpenAlex ids are far below
FIRST_PMID = 900_000_000
TITLE_PREFIX = "[synthetic] "
DOI_PREFIX = "10.5555/jumelage-synthetic."  # 10.5555: the prefix Crossref keeps for tests
FIRST_DATE = dt.date(2025, 1, 1)
PARTS_PER_DATE = 10  # a new updated_date partition every ten parts

# --- institutions ----------------------------------------------------------------------------

# Real institutions outside France and Canada (ROR ids checked against their checksums).
FOREIGN = [
    # ror_id, name, acronym, city, region (state, postal code), country
    ("03vek6s52", "Harvard University", "", "Cambridge", "MA 02138", "US"),
    ("02jzgtq86", "Dana-Farber Cancer Institute", "DFCI", "Boston", "MA 02215", "US"),
    ("02yrq0923", "Memorial Sloan Kettering Cancer Center", "MSKCC", "New York", "NY 10065",
     "US"),
    ("04twxam07", "The University of Texas MD Anderson Cancer Center", "", "Houston",
     "TX 77030", "US"),
    ("00za53h95", "Johns Hopkins University", "JHU", "Baltimore", "MD 21205", "US"),
    ("01cwqze88", "National Institutes of Health", "NIH", "Bethesda", "MD 20892", "US"),
    ("052gg0110", "University of Oxford", "", "Oxford", "OX3 7DQ", "GB"),
    ("02jx3x895", "University College London", "UCL", "London", "WC1E 6BT", "GB"),
    ("013meh722", "University of Cambridge", "", "Cambridge", "CB2 0QQ", "GB"),
    ("043jzw605", "Institute of Cancer Research", "ICR", "London", "SM2 5NG", "GB"),
    ("04tnbqb63", "The Francis Crick Institute", "", "London", "NW1 1AT", "GB"),
    ("038t36y30", "Heidelberg University", "", "Heidelberg", "69120", "DE"),
    ("04cdgtt98", "German Cancer Research Center", "DKFZ", "Heidelberg", "69120", "DE"),
    ("001w7jn25", "Charité - Universitätsmedizin Berlin", "", "Berlin", "10117", "DE"),
    ("05591te55", "Ludwig-Maximilians-Universität München", "LMU", "Munich", "80336", "DE"),
    ("02kkvpp62", "Technical University of Munich", "TUM", "Munich", "81675", "DE"),
]
COUNTRY_NAMES = {"FR": ["France"] * 18 + ["FRANCE", "Fr"], "CA": ["Canada"] * 19 + ["CANADA"],
                 "US": ["USA", "USA", "United States", "U.S.A."], "GB": ["UK", "United Kingdom"],
                 "DE": ["Germany", "Germany", "Deutschland"]}
# Relative weight of an organisation by its ROR type (the first that applies): who publishes.
TYPE_WEIGHT = {"education": 10.0, "healthcare": 6.0, "government": 2.0, "facility": 0.8,
               "nonprofit": 0.3, "other": 0.2, "company": 0.1, "funder": 0.1, "archive": 0.05}


@dataclass(slots=True)
class Institution:
    index: int
    ror_id: str
    name: str
    country: str  # ISO code
    zone: str  # FR_ARA, FR, CA_QC, CA, US, GB, DE
    kind: str  # first ROR type
    city: str
    province: str = ""  # Canada: QC, ON…; elsewhere the state or ""
    postal: str = ""  # foreign institutions: their postal code
    labels: tuple[str, ...] = ()  # other names (the other language, aliases)
    acronyms: tuple[str, ...] = ()
    parents: tuple[int, ...] = ()  # indexes of parent institutions
    weight: float = 1.0
    pool: int = 10  # how many authors it has


@dataclass
class World:
    institutions: list[Institution]
    zones: dict[str, tuple[list[int], list[float]]] = field(default_factory=dict)

    def pick(self, rng: random.Random, zone: str) -> Institution:
        members, cumulative = self.zones[zone]
        if not members:  # a small registry (a test's): any institution of the country, or any
            members, cumulative = self.zones.get(f"{zone[:2]}*", ([], []))
            if not members:
                members, cumulative = self.zones["*"]
        position = bisect.bisect_right(cumulative, rng.random() * cumulative[-1])
        return self.institutions[members[min(position, len(members) - 1)]]


def _partner_regions(path: Path) -> dict[str, str]:
    regions = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if '"partner_region": "' in line:
                record = json.loads(line)
                regions[record["id"].rsplit("/", 1)[-1]] = record["partner_region"]
    return regions


def load_world(ror_path: Path = SHARED_FILE, *, seed: int = 1) -> World:
    """The real institutions the works are written over, with deterministic weights."""
    from jumelage.directory.ror import RorRecord, read_ror_file

    rng = random.Random(f"institutions:{seed}")
    regions = _partner_regions(ror_path)
    records = sorted((r for r in read_ror_file(path=ror_path)
                      if isinstance(r, RorRecord) and r.status == "active" and r.city),
                     key=lambda r: r.ror_id)
    institutions: list[Institution] = []
    by_ror: dict[str, int] = {}
    parent_ids: dict[int, tuple[str, ...]] = {}
    for record in records:
        kind = next((t for t in TYPE_WEIGHT if t in record.types), "other")
        region = regions.get(record.ror_id)
        zone = (f"{record.country_code}_{region}" if region else record.country_code)
        others = [label for labels in record.names.values() for label in labels]
        labels = tuple(dict.fromkeys(
            label for label in (*others, *record.aliases[:2]) if label != record.name))
        province = PROVINCES.get(record.region, ("", ""))[0] if record.country_code == "CA" \
            else ""
        by_ror[record.ror_id] = len(institutions)
        institutions.append(Institution(
            index=len(institutions), ror_id=record.ror_id, name=record.name,
            country=record.country_code, zone=zone, kind=kind, city=record.city,
            province=province, labels=labels,
            acronyms=tuple(a for a in record.acronyms if 2 <= len(a) <= 12)))
        parent_ids[len(institutions) - 1] = record.parent_ids
    for ror_id, name, acronym, city, postal, country in FOREIGN:
        by_ror[ror_id] = len(institutions)
        institutions.append(Institution(
            index=len(institutions), ror_id=ror_id, name=name, country=country, zone=country,
            kind="education", city=city, postal=postal, acronyms=(acronym,) if acronym else ()))
    children = [0] * len(institutions)
    for inst in institutions:
        inst.parents = tuple(by_ror[p] for p in parent_ids.get(inst.index, ()) if p in by_ror)
        for parent in inst.parents:
            children[parent] += 1
    for inst in institutions:
        # A long tail: big organisations (those with many laboratories and centres in ROR)
        # publish most of the works.
        inst.weight = (TYPE_WEIGHT[inst.kind] * (1 + children[inst.index]) ** 1.2
                       * rng.lognormvariate(0.0, 0.8))
        if inst.zone in ("US", "GB", "DE"):
            inst.weight = 40.0 * rng.lognormvariate(0.0, 0.5)
        inst.pool = max(8, int(60 * inst.weight))
    world = World(institutions)
    for zone in ("FR_ARA", "FR", "CA_QC", "CA", "US", "GB", "DE"):
        members = [i.index for i in institutions if i.zone == zone]
        world.zones[zone] = (members, list(accumulate(institutions[i].weight for i in members)))
    world.zones["*"] = (list(range(len(institutions))),
                        list(accumulate(i.weight for i in institutions)))
    # France and Canada as a whole (regions included, by their own weights).
    for country in ("FR", "CA"):
        members = [i.index for i in institutions if i.country == country]
        world.zones[f"{country}*"] = (
            members, list(accumulate(institutions[i].weight for i in members)))
    return world


# --- vocabulary ------------------------------------------------------------------------------

# (topic, subfield, field, domain, keywords, MeSH descriptors, English phrases, French phrases)
TOPICS = [
    ("Breast Cancer Treatment Studies", "Oncology", "Medicine", "Health Sciences",
     ["breast cancer", "HER2", "endocrine therapy"], ["Breast Neoplasms"],
     ["breast cancer", "HER2-positive breast tumours", "triple-negative breast cancer"],
     ["cancer du sein", "tumeurs du sein HER2+"]),
    ("Lung Cancer Treatments and Mutations", "Oncology", "Medicine", "Health Sciences",
     ["non-small cell lung cancer", "EGFR", "tumour mutational burden"], ["Lung Neoplasms"],
     ["non-small cell lung cancer", "EGFR-mutant lung adenocarcinoma"],
     ["cancer du poumon non à petites cellules"]),
    ("Acute Myeloid Leukemia Research", "Hematology", "Medicine", "Health Sciences",
     ["acute myeloid leukemia", "FLT3", "minimal residual disease"],
     ["Leukemia, Myeloid, Acute"], ["acute myeloid leukaemia", "relapsed AML"],
     ["leucémie aiguë myéloïde"]),
    ("Lymphoma Diagnosis and Treatment", "Hematology", "Medicine", "Health Sciences",
     ["diffuse large B-cell lymphoma", "follicular lymphoma"], ["Lymphoma"],
     ["diffuse large B-cell lymphoma", "Hodgkin lymphoma"],
     ["lymphome diffus à grandes cellules B"]),
    ("CAR-T cell therapy research", "Immunology", "Immunology and Microbiology",
     "Life Sciences", ["CAR-T", "cell therapy", "cytokine release syndrome"],
     ["Receptors, Chimeric Antigen", "Immunotherapy, Adoptive"],
     ["CAR-T cell therapy", "chimeric antigen receptor T cells"],
     ["thérapie cellulaire CAR-T", "lymphocytes CAR-T"]),
    ("Cancer Immunotherapy and Biomarkers", "Cancer Research",
     "Biochemistry, Genetics and Molecular Biology", "Life Sciences",
     ["immune checkpoint inhibitors", "PD-L1", "biomarkers"], ["Biomarkers, Tumor"],
     ["immune checkpoint blockade", "predictive biomarkers of immunotherapy"],
     ["biomarqueurs de l'immunothérapie"]),
    ("Cancer Genomics and Diagnostics", "Genetics", "Biochemistry, Genetics and Molecular Biology",
     "Life Sciences", ["genomics", "precision medicine", "next-generation sequencing"],
     ["Precision Medicine", "High-Throughput Nucleotide Sequencing"],
     ["tumour genome sequencing", "precision oncology"],
     ["médecine de précision", "génomique tumorale"]),
    ("Colorectal Cancer Treatments and Studies", "Oncology", "Medicine", "Health Sciences",
     ["colorectal cancer", "liver metastases"], ["Colorectal Neoplasms"],
     ["metastatic colorectal cancer", "colorectal cancer screening"], ["cancer colorectal"]),
    ("Glioma Diagnosis and Treatment", "Neurology", "Medicine", "Health Sciences",
     ["glioblastoma", "IDH mutation"], ["Glioma"], ["glioblastoma", "low-grade glioma"],
     ["glioblastome"]),
    ("Sarcoma Diagnosis and Treatment", "Oncology", "Medicine", "Health Sciences",
     ["sarcoma", "soft tissue sarcoma"], ["Sarcoma"], ["soft-tissue sarcoma"],
     ["sarcomes des tissus mous"]),
    ("Multiple Myeloma Research and Treatments", "Hematology", "Medicine", "Health Sciences",
     ["multiple myeloma", "daratumumab"], ["Multiple Myeloma"], ["multiple myeloma"],
     ["myélome multiple"]),
    ("Hematopoietic Stem Cell Transplantation", "Hematology", "Medicine", "Health Sciences",
     ["allogeneic transplantation", "graft-versus-host disease"],
     ["Hematopoietic Stem Cell Transplantation"],
     ["allogeneic stem cell transplantation", "graft-versus-host disease"],
     ["allogreffe de cellules souches hématopoïétiques"]),
    ("Palliative Care and End-of-Life Issues", "Health Policy", "Medicine", "Health Sciences",
     ["palliative care", "end of life"], ["Palliative Care"],
     ["palliative care in advanced cancer", "end-of-life care"],
     ["soins palliatifs", "fin de vie"]),
    ("Health Systems, Economic Evaluations, Quality of Life", "Health Policy", "Medicine",
     "Health Sciences", ["health services", "cost-effectiveness", "care pathway"],
     ["Delivery of Health Care", "Quality of Life"],
     ["oncology care pathways", "health services use"],
     ["organisation des soins", "parcours de soins"]),
    ("Heart Failure Treatment and Management", "Cardiology and Cardiovascular Medicine",
     "Medicine", "Health Sciences", ["heart failure", "ejection fraction"], ["Heart Failure"],
     ["heart failure with preserved ejection fraction"], ["insuffisance cardiaque"]),
    ("Alzheimer's disease research and treatments", "Neurology", "Medicine", "Health Sciences",
     ["Alzheimer's disease", "amyloid"], ["Alzheimer Disease"],
     ["early Alzheimer's disease", "amyloid imaging"], ["maladie d'Alzheimer"]),
    ("COVID-19 Clinical Research Studies", "Infectious Diseases", "Medicine", "Health Sciences",
     ["COVID-19", "SARS-CoV-2"], ["COVID-19"], ["COVID-19 in hospitalised adults"],
     ["COVID-19 chez l'adulte hospitalisé"]),
    ("Diabetes Treatment and Management", "Endocrinology, Diabetes and Metabolism", "Medicine",
     "Health Sciences", ["type 2 diabetes", "glycaemic control"], ["Diabetes Mellitus, Type 2"],
     ["type 2 diabetes"], ["diabète de type 2"]),
    ("Artificial Intelligence in Healthcare", "Artificial Intelligence", "Computer Science",
     "Physical Sciences", ["deep learning", "medical imaging"], ["Machine Learning"],
     ["deep learning for medical images", "clinical prediction models"],
     ["apprentissage profond en imagerie médicale"]),
    ("Climate variability and models", "Atmospheric Science", "Earth and Planetary Sciences",
     "Physical Sciences", ["climate models", "precipitation"], [],
     ["regional climate projections", "Alpine precipitation extremes"],
     ["projections climatiques régionales"]),
    ("Advanced Battery Materials and Technologies", "Electrochemistry", "Chemistry",
     "Physical Sciences", ["lithium-ion batteries", "solid electrolytes"], [],
     ["solid-state electrolytes", "lithium-ion cathodes"], ["électrolytes solides"]),
    ("Plant Stress Responses and Tolerance", "Plant Science", "Agricultural and Biological "
     "Sciences", "Life Sciences", ["drought stress", "Arabidopsis"], [],
     ["drought tolerance in wheat", "Arabidopsis root development"],
     ["tolérance à la sécheresse du blé"]),
]
TOPIC_WEIGHTS = list(accumulate([5, 4, 3, 3, 2, 3, 3, 3, 2, 1, 2, 2, 2, 2, 4, 4, 4, 3, 4, 3, 3,
                                 3]))
MESH_UI = {
    "Humans": "D006801", "Female": "D005260", "Male": "D008297", "Adult": "D000328",
    "Middle Aged": "D008875", "Aged": "D000368", "Retrospective Studies": "D012189",
    "Prospective Studies": "D011446", "Cohort Studies": "D015331",
    "Breast Neoplasms": "D001943", "Lung Neoplasms": "D008175",
    "Leukemia, Myeloid, Acute": "D015470", "Lymphoma": "D008223",
    "Receptors, Chimeric Antigen": "D000078542", "Immunotherapy, Adoptive": "D016219",
    "Biomarkers, Tumor": "D014408", "Precision Medicine": "D057285",
    "High-Throughput Nucleotide Sequencing": "D059014", "Colorectal Neoplasms": "D015179",
    "Glioma": "D005910", "Sarcoma": "D012509", "Multiple Myeloma": "D009101",
    "Hematopoietic Stem Cell Transplantation": "D018380", "Palliative Care": "D010166",
    "Delivery of Health Care": "D003695", "Quality of Life": "D011788",
    "Heart Failure": "D006333", "Alzheimer Disease": "D000544", "COVID-19": "D000086382",
    "Diabetes Mellitus, Type 2": "D003924", "Machine Learning": "D000069550",
}
DESIGNS_EN = ["a multicentre cohort study", "a randomised controlled trial",
              "a retrospective study", "a systematic review and meta-analysis",
              "a population-based study", "results of a phase II trial", "a prospective study",
              "a single-centre experience", "a translational study"]
DESIGNS_FR = ["une étude de cohorte multicentrique", "un essai randomisé",
              "une étude rétrospective", "une revue systématique", "une étude prospective"]
METHODS_EN = ["evidence from field measurements", "a modelling study", "an experimental study",
              "insights from high-resolution simulations", "a multi-site comparison",
              "a benchmark of methods"]
POPULATIONS_EN = ["adults", "older patients", "children and adolescents", "women",
                  "French and Canadian patients", "a Québec cohort", "a Lyon–Montréal cohort",
                  "routine practice", "rural populations"]
POPULATIONS_FR = ["l'adulte", "le sujet âgé", "l'enfant", "une cohorte régionale",
                  "la pratique courante"]
HEADS_EN = ["Outcomes of", "Predictors of response in", "Long-term survival in",
            "Real-world evidence on", "Molecular determinants of", "Access to care in",
            "Patient-reported outcomes in", "Machine learning to stratify", "Costs of",
            "Immune landscape of"]
HEADS_FR = ["Devenir des patients atteints de", "Facteurs pronostiques dans",
            "Prise en charge de", "Accès aux soins dans", "Qualité de vie dans"]
ABSTRACT_WORDS = [
    "we", "the", "of", "and", "in", "patients", "was", "were", "with", "to", "a", "for", "study",
    "results", "among", "associated", "data", "analysis", "cohort", "treatment", "survival",
    "response", "years", "median", "risk", "higher", "lower", "compared", "using", "model",
    "clinical", "observed", "significant", "included", "methods", "conclusions", "background",
    "overall", "outcomes"]
JOURNALS = ["Journal of Clinical Oncology", "The Lancet Oncology", "Annals of Oncology",
            "Blood", "Cancer Research", "Clinical Cancer Research", "European Journal of Cancer",
            "British Journal of Cancer", "Bulletin du Cancer", "Current Oncology",
            "International Journal of Cancer", "Nature Communications", "PLoS ONE",
            "Scientific Reports", "BMC Cancer", "Cancers", "Frontiers in Oncology",
            "Haematologica", "Leukemia", "JAMA Oncology", "The Oncologist",
            "Canadian Medical Association Journal", "La Revue de Médecine Interne",
            "Médecine/Sciences", "Journal of Thoracic Oncology", "Neuro-Oncology",
            "Supportive Care in Cancer", "BMJ Open", "Climate Dynamics",
            "Journal of Power Sources", "Plant Physiology", "Circulation",
            "Diabetes Care", "Alzheimer's & Dementia", "Radiotherapy and Oncology"]
REPOSITORIES = ["medRxiv", "bioRxiv", "Research Square",
                "HAL (Le Centre pour la Communication Scientifique Directe)"]
JOURNAL_WEIGHTS = list(accumulate(1 / (rank + 2) for rank in range(len(JOURNALS))))
SOURCE_NUMBERS = {name: number for number, name in enumerate(JOURNALS + REPOSITORIES)}
DOC_TYPES = [("article", "journal-article", 74), ("review", "journal-article", 10),
             ("letter", "journal-article", 2), ("editorial", "journal-article", 2),
             ("book-chapter", "book-chapter", 3), ("preprint", "posted-content", 5),
             ("erratum", "journal-article", 1), ("article", "proceedings-article", 2),
             ("paratext", "component", 1)]
DOC_TYPE_WEIGHTS = list(accumulate(w for _t, _c, w in DOC_TYPES))
YEARS = list(range(2000, 2025))
YEAR_WEIGHTS = list(accumulate(1.07 ** (y - 2000) for y in YEARS))

# --- affiliation strings ---------------------------------------------------------------------

DEPTS_FR = ["Service d'hématologie clinique", "Département d'oncologie médicale",
            "Laboratoire de biologie des tumeurs", "Unité de recherche clinique",
            "Équipe Immunité et cancer", "Service de radiothérapie", "Pôle de santé publique",
            "Faculté de médecine", "Département de pharmacologie",
            "Centre de recherche en cancérologie", "Service d'anatomie et cytologie "
            "pathologiques", "Département de biochimie", "Service de pneumologie",
            "Laboratoire d'immunologie", "Institut des sciences pharmaceutiques et biologiques",
            "Département de médecine", "Unité d'épidémiologie", "Service de cardiologie"]
DEPTS_EN = ["Department of Medicine", "Department of Oncology",
            "Division of Hematology and Oncology", "Faculty of Medicine",
            "School of Public Health", "Department of Pathology and Cell Biology",
            "Research Centre", "Department of Radiation Oncology",
            "Division of Experimental Medicine", "Department of Biochemistry and Molecular "
            "Medicine", "Department of Surgery", "Department of Epidemiology",
            "Cancer Research Program", "Department of Human Genetics"]
DEPTS_DE = ["Abteilung für Onkologie", "Klinik für Innere Medizin", "Institut für Pathologie"]
STREETS_FR = ["rue Laennec", "avenue Rockefeller", "boulevard Pinel", "rue Guillaume Paradin",
              "place d'Arsonval", "cours Albert Thomas", "rue de la Charité",
              "avenue Jean Mermoz", "chemin du Petit Revoyet", "rue Montalembert",
              "boulevard de la Victoire", "avenue du Professeur Léon Bérard"]
STREETS_QC = ["rue Saint-Denis", "chemin de la Côte-Sainte-Catherine",
              "boulevard René-Lévesque Est", "rue Sherbrooke Ouest", "avenue des Pins Ouest",
              "University Street", "boulevard de l'Université", "rue de l'Hôpital",
              "avenue Wilfrid-Laurier", "chemin Sainte-Foy"]
STREETS_EN = ["University Avenue", "College Street", "King Street West", "Main Street",
              "12th Avenue North", "Wellington Street", "Bay Street", "Research Drive"]
CA_LETTERS = "ABCEGHJKLMNPRSTVWXYZ"
PROVINCE_FSA = {"QC": "HGJ", "ON": "KLMNP", "BC": "V", "AB": "T", "MB": "R", "SK": "S",
                "NS": "B", "NB": "E", "NL": "A", "PE": "C", "NT": "X", "NU": "X", "YT": "Y"}
EMAIL_DOMAINS = {"FR": "univ-synthetique.fr", "CA": "synthetique.ca", "US": "synthetic.edu",
                 "GB": "synthetic.ac.uk", "DE": "synthetisch.de"}


def _unaccent(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(ch))


def _names() -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    from faker.providers.person.de_DE import Provider as German
    from faker.providers.person.en_GB import Provider as British
    from faker.providers.person.en_US import Provider as American
    from faker.providers.person.fr_CA import Provider as Quebec
    from faker.providers.person.fr_FR import Provider as French

    def names(provider) -> tuple[tuple[str, ...], tuple[str, ...]]:
        return tuple(sorted(provider.first_names)), tuple(sorted(provider.last_names))

    french, quebec, american = names(French), names(Quebec), names(American)
    return {"FR": french, "CA_QC": quebec,
            "CA": (quebec[0] + american[0], quebec[1] + american[1]), "US": american,
            "GB": names(British), "DE": names(German)}


NAMES = _names()


def _mix(*values: int) -> int:
    """A 64-bit hash of integers (splitmix64 steps): stable across runs and machines."""
    x = 0x9E3779B97F4A7C15
    for value in values:
        x = (x ^ (value & 0xFFFFFFFFFFFFFFFF)) * 0xBF58476D1CE4E5B9 & 0xFFFFFFFFFFFFFFFF
        x = (x ^ (x >> 27)) * 0x94D049BB133111EB & 0xFFFFFFFFFFFFFFFF
        x ^= x >> 31
    return x


def _orcid(number: int) -> str:
    """An ORCID in the 0000-0000-… block, which ORCID never issues, with a valid check digit."""
    digits = f"00000000{number % 10**7:07d}"
    total = 0
    for ch in digits:
        total = (total + int(ch)) * 2
    check = (12 - total % 11) % 11
    base = digits + ("X" if check == 10 else str(check))
    return "-".join(base[i:i + 4] for i in range(0, 16, 4))


@dataclass(frozen=True, slots=True)
class Author:
    key: int
    name: str
    orcid: str | None
    email: str


def author_of(seed: int, inst: Institution, number: int) -> Author:
    """Author `number` of an institution: the same person in every work that cites them."""
    return _author(seed, inst.zone, inst.country, inst.index, number)


@functools.lru_cache(maxsize=1 << 16)  # bounded: memory stays flat
def _author(seed: int, zone: str, country: str, index: int, number: int) -> Author:
    h = _mix(seed, index, number)
    pool = NAMES.get(zone) or NAMES.get(country) or NAMES["FR"]
    first = pool[0][h % len(pool[0])]
    last = pool[1][(h >> 20) % len(pool[1])]
    key = index * 1_000_000 + number
    orcid = _orcid(key) if (h >> 40) % 100 < 55 else None
    email = f"{_unaccent(first).lower()}.{_unaccent(last).lower()}@{EMAIL_DOMAINS[country]}"
    return Author(key=key, name=f"{first} {last}", orcid=orcid, email=email.replace(" ", "-"))


def _postal(rng: random.Random, inst: Institution) -> str:
    if inst.postal:
        return inst.postal
    if inst.country == "FR":
        dept = FR_DEPT.get(inst.city)
        if dept is None:
            return ""
        if dept == "75":
            return f"750{rng.randint(1, 20):02d}"
        return f"{dept}{rng.choice(('0', '0', '1', '3'))}{rng.randint(0, 99):02d}"
    if inst.country == "CA":
        fsa = CA_FSA.get(inst.city, "")[:1] or rng.choice(PROVINCE_FSA.get(inst.province, " "))
        if fsa == " ":
            return ""
        letters = CA_LETTERS
        return (f"{fsa}{rng.randint(0, 9)}{rng.choice(letters)} "
                f"{rng.randint(0, 9)}{rng.choice(letters)}{rng.randint(0, 9)}")
    return ""


def _name_variant(rng: random.Random, inst: Institution) -> str:
    roll = rng.random()
    if roll < 0.52 or (roll < 0.67 and not inst.labels):
        name = inst.name
    elif roll < 0.67:
        name = rng.choice(inst.labels)
    elif roll < 0.80 and inst.acronyms:
        name = rng.choice(inst.acronyms)
    elif roll < 0.92:
        name = _unaccent(inst.name)
    else:
        name = inst.name.upper()
    return name


def affiliation_string(rng: random.Random, inst: Institution, *, parent: Institution | None,
                       author: Author, partner: Institution | None = None) -> str:
    """One raw affiliation string for `author` at `inst` (and its parent, or a partner
    institution written in the same string)."""
    parts: list[str] = []
    french = ((inst.country == "FR" and rng.random() < 0.6)
              or (inst.province == "QC" and rng.random() < 0.5))
    if rng.random() < (0.5 if inst.kind in ("education", "healthcare") else 0.1):
        if inst.country == "DE" and rng.random() < 0.3:
            parts.append(rng.choice(DEPTS_DE))
        else:
            parts.append(rng.choice(DEPTS_FR if french else DEPTS_EN))
        if inst.country == "FR" and rng.random() < 0.15:
            parts.append(f"UMR {rng.randint(5000, 5320)}")
    parts.append(_name_variant(rng, inst))
    if partner is not None:
        parts[-1] += (" et " if french else " and ") + _name_variant(rng, partner)
    if parent is not None:
        parts.append(_name_variant(rng, parent))
    roll = rng.random()
    city = inst.city if rng.random() < 0.7 else _unaccent(inst.city)
    if roll < 0.25:
        postal = _postal(rng, inst)
        number = rng.randint(1, 3500) if inst.country == "CA" else rng.randint(1, 180)
        streets = (STREETS_FR if inst.country == "FR" else STREETS_QC if inst.province == "QC"
                   else STREETS_EN)
        street = streets[rng.randrange(len(streets))]
        if inst.country == "FR":
            parts.append(f"{number} {street}")
            parts.append(f"{postal} {city}".strip() + (" Cedex" if rng.random() < 0.2 else ""))
        elif inst.country == "CA":
            parts.append(f"{number} {street}")
            parts.append(city)
            parts.append(f"{inst.province} {postal}".strip())
        elif postal:
            parts.append(city)
            parts.append(postal)
        else:
            parts.append(city)
    elif roll < 0.88:
        parts.append(city)
        if inst.country == "CA" and inst.province and rng.random() < 0.6:
            parts.append(inst.province if rng.random() < 0.7 else
                         {"QC": "Québec", "ON": "Ontario"}.get(inst.province, inst.province))
    if rng.random() < 0.82:
        parts.append(rng.choice(COUNTRY_NAMES[inst.country]))
    text = ", ".join(parts)
    if rng.random() < 0.03:
        text += f". Electronic address: {author.email}"
    return text


# --- works -----------------------------------------------------------------------------------

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


# --- writing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    path: Path
    relative: str  # updated_date=…/part_NNN.gz
    works: int
    authorships: int
    size: int


def part_path(out: Path, number: int) -> tuple[Path, str]:
    date = FIRST_DATE + dt.timedelta(days=number // PARTS_PER_DATE)
    relative = f"updated_date={date.isoformat()}/part_{number:03d}.gz"
    return out / "data" / "works" / relative, relative


def write_part(out: Path, *, number: int, part_size: int, total: int, seed: int,
               ror_path: Path = SHARED_FILE, compresslevel: int = 6,
               world: World | None = None) -> Part:
    """Write part `number` (works number*part_size … up to total) as gzip JSON Lines."""
    world = world or _world(ror_path, seed)
    path, relative = part_path(out, number)
    path.parent.mkdir(parents=True, exist_ok=True)
    start = number * part_size
    count = max(0, min(part_size, total - start))
    maker = WorkMaker(world, seed=seed)
    authorships = 0
    partial = path.with_suffix(".gz.partial")
    with partial.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw,
                                                  compresslevel=compresslevel,
                                                  mtime=0) as stream:
        lines = []
        for work in maker.works(start=start, count=count):
            authorships += len(work["authorships"])
            lines.append(json.dumps(work, ensure_ascii=False))
            if len(lines) >= 500:
                stream.write(("\n".join(lines) + "\n").encode())
                lines.clear()
        if lines:
            stream.write(("\n".join(lines) + "\n").encode())
    partial.replace(path)
    return Part(path=path, relative=relative, works=count, authorships=authorships,
                size=path.stat().st_size)


_WORLDS: dict[tuple[str, int], World] = {}


def _world(ror_path: Path, seed: int) -> World:
    key = (str(ror_path), seed)
    if key not in _WORLDS:
        _WORLDS[key] = load_world(ror_path, seed=seed)
    return _WORLDS[key]


def _write_part_job(args: tuple) -> Part:
    out, number, part_size, total, seed, ror_path, level = args
    return write_part(out, number=number, part_size=part_size, total=total, seed=seed,
                      ror_path=ror_path, compresslevel=level)


@dataclass
class Snapshot:
    out: Path
    works: int
    authorships: int
    parts: list[Part]
    seconds: float

    @property
    def size(self) -> int:
        return sum(p.size for p in self.parts)


def write_snapshot(out: Path, *, works: int, seed: int = 1, part_size: int = 10_000,
                   jobs: int = 1, ror_path: Path = SHARED_FILE, compresslevel: int = 6,
                   progress=None) -> Snapshot:
    """Write `works` synthetic works under `out` in the OpenAlex snapshot layout."""
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    (out / "SYNTHETIC.txt").write_text(
        "SYNTHETIC DATA: fictional works written by bench/observatory/generate.py "
        f"(seed {seed}, {works} works, {part_size} per part).\nEvery title starts with "
        "\"[synthetic] \" and every work id is W9…: none of these records is real.\n",
        encoding="utf-8")
    numbers = range(math.ceil(works / part_size))
    jobs_args = [(out, n, part_size, works, seed, ror_path, compresslevel) for n in numbers]
    parts: list[Part] = []
    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for part in pool.map(_write_part_job, jobs_args):
                parts.append(part)
                if progress:
                    progress(part)
    else:
        for args in jobs_args:
            parts.append(_write_part_job(args))
            if progress:
                progress(parts[-1])
    manifest = {"entries": [
        {"url": f"s3://openalex/data/works/{p.relative}",
         "meta": {"content_length": p.size, "record_count": p.works}} for p in parts],
        "meta": {"content_length": sum(p.size for p in parts),
                 "record_count": sum(p.works for p in parts)}}
    (out / "data" / "works" / "manifest").write_text(json.dumps(manifest, indent=2),
                                                     encoding="utf-8")
    (out / "generator.json").write_text(json.dumps({
        "seed": seed, "works": works, "part_size": part_size,
        "authorships": sum(p.authorships for p in parts),
        "parts": [{"path": p.relative, "works": p.works, "authorships": p.authorships,
                   "size": p.size} for p in parts]}, indent=1), encoding="utf-8")
    return Snapshot(out=out, works=sum(p.works for p in parts),
                    authorships=sum(p.authorships for p in parts), parts=parts,
                    seconds=time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--works", type=int, default=10_000)
    parser.add_argument("--out", type=Path, required=True,
                        help="folder to write (outside the repository, e.g. under /tmp)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--part-size", type=int, default=10_000, help="works per part file")
    parser.add_argument("--jobs", type=int, default=1, help="parts written in parallel")
    parser.add_argument("--compresslevel", type=int, default=6, choices=range(1, 10))
    parser.add_argument("--ror", type=Path, default=SHARED_FILE)
    args = parser.parse_args()
    out = args.out.resolve()
    if out == PROJECT_DIR or PROJECT_DIR in out.parents:
        raise SystemExit(f"{out}: inside the repository; write generated data elsewhere "
                         "(for instance under /tmp)")
    if not args.ror.is_file():
        raise SystemExit(f"{args.ror}: no such file; give the ROR subset with --ror")
    if args.works < 1 or args.part_size < 1:
        raise SystemExit("--works and --part-size must be at least 1")

    def progress(part: Part) -> None:
        print(f"  {part.relative}: {part.works:,} works, {part.authorships:,} authorships, "
              f"{part.size / 2**20:.1f} MiB", file=sys.stderr)

    snapshot = write_snapshot(out, works=args.works, seed=args.seed, part_size=args.part_size,
                              jobs=args.jobs, ror_path=args.ror,
                              compresslevel=args.compresslevel, progress=progress)
    print(f"{out}: {snapshot.works:,} synthetic works, {snapshot.authorships:,} authorships "
          f"({snapshot.authorships / max(1, snapshot.works):.2f} per work), "
          f"{len(snapshot.parts)} parts, {snapshot.size / 2**20:,.1f} MiB, "
          f"{snapshot.seconds:.1f} s ({snapshot.works / snapshot.seconds:,.0f} works/s)")


if __name__ == "__main__":
    main()
