"""Text of affiliation strings: folding, cleaning, splitting into parts, name keys.

Names and strings go through the same `name_key()`, so that "Univ Montreal", "University of
Montreal" and "Université de Montréal" all become ("univ", "montreal"): accents and case are
folded, the Web of Science abbreviations and their French and English words share one token
("hosp" for Hôpital / Hospital / Hosp / hospitalier), and the little words (of, de, the, and...)
are dropped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from jumelage.core.folding import fold


def unaccent(value: str) -> str:
    """Accents stripped, case kept: "ÉTS" -> "ETS" (acronyms are compared case-sensitively)."""
    if value.isascii():
        return value
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def correction_key(raw: str) -> str:
    """The key under which the review queue stores a correction: folded, spaces collapsed."""
    return " ".join(fold(raw).split()).strip(" .;,")


# One token for the French word, the English word and the Web of Science abbreviation.
_CANON_GROUPS = {
    "univ": "university universite universitaire universitaires universitat universidad "
            "universita universiteit univ univer",
    "hosp": "hospital hospitals hopital hopitaux hospitalier hospitaliere hospitaliers "
            "hospitalieres hosp hop hosps",
    "ctr": "center centre centers centres ctr cent centro zentrum",
    "inst": "institute institut institutes instituts inst instituto istituto",
    "res": "research recherche recherches res rech",
    "natl": "national nationale nationaux natl nacional nazionale",
    "intl": "international internationale intl int",
    "canc": "cancer cancers canc",
    "hlth": "health sante hlth",
    "sci": "science sciences sci",
    "med": "medical medicale medicales medicine medecine med",
    "lab": "laboratory laboratories laboratoire laboratoires lab labs labo",
    "dept": "department departement departments departements dept dep dpt depts",
    "fac": "faculty faculte fac",
    "sch": "school ecole sch",
    "coll": "college coll",
    "gen": "general generale gen",
    "st": "saint sainte st ste sts",
    "fdn": "foundation fondation fdn",
    "soc": "society societe soc",
    "assoc": "association assoc",
    "technol": "technology technologie technologies technological technologique "
               "technologiques technol",
    "engn": "engineering ingenierie engn",
    "biol": "biology biologie biological biologique biol",
    "chem": "chemistry chimie chem",
    "phys": "physics physique phys",
    "clin": "clinical clinique cliniques clinic clinics clin",
    "psychiat": "psychiatry psychiatrie psychiatric psychiatrique psychiat",
    "cardiol": "cardiology cardiologie cardiol",
    "pneumol": "pneumology pneumologie pneumol",
    "oncol": "oncology oncologie oncologic oncol",
    "neurol": "neurological neurologique neurologiques neurology neurologie neurol",
    "reg": "regional regionale regionaux reg",
    "child": "children childrens child enfant enfants",
    "polytech": "polytechnique polytechnic polytech",
    "super": "superieure superieur super superior",
    "agcy": "agency agence agcy",
    "grp": "group groupe grp",
    "unit": "unit unite",
    "pharm": "pharmacy pharmacie pharm",
    "genet": "genetics genetique genet",
    "epidemiol": "epidemiology epidemiologie epidemiol",
    "pathol": "pathology pathologie pathol",
    "surg": "surgery chirurgie surg",
    "pediat": "pediatrics pediatrie pediatric pediatrique paediatrics pediat",
    "radiol": "radiology radiologie radiol",
    "immunol": "immunology immunologie immunol",
    "mol": "molecular moleculaire mol",
    "math": "mathematics mathematiques math",
    "environm": "environment environnement environmental environnemental environm",
}
CANON = {word: canon for canon, words in _CANON_GROUPS.items() for word in words.split()}
CANONICAL = frozenset(_CANON_GROUPS)
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7",
          "viii": "8", "ix": "9", "x": "10", "xi": "11", "xii": "12", "xiii": "13"}
# Abbreviations standing for several words.
EXPANSIONS = {"chu": ("ctr", "hosp", "univ"), "chru": ("ctr", "hosp", "reg", "univ"),
              "chr": ("ctr", "hosp", "reg")}
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


CONNECTORS = _words("and et und y")
STOPWORDS = CONNECTORS | _words(
    "of the de du des d la le les l for pour in en at a au aux on sur di del della dello "
    "degli der die das von van zu")

# Words that head a sub-unit ("Department of Psychiatry, ..."): what stands before an
# institution's name in the same part without making it another institution.
UNIT_HEADS = _words(
    "dept div division fac sch lab unit grp team equipe program programme section service "
    "serv units services pole axis axe core platform plateforme")
# Words that may follow an institution's name in the same part without naming another one.
# ("Hospital" is not one: "Nantes University Hospital" is not Nantes Université.)
GENERIC_TAIL = _words(
    "res ctr inst univ site campus unit lab dept fac sch grp cedex bp cs umr upr ums ea cnrs "
    "inserm sci med")

_TOKEN_RE = re.compile(r"[a-z]+|\d+")
_POSSESSIVE_RE = re.compile(r"'s\b")  # "St. Paul's" and "St Pauls" alike
# Words that stand for several: "British Columbia Cancer Agency" is the "BC Cancer Agency".
_PHRASES = ((re.compile(r"\bbritish columbia\b"), "bc"),)
_UMR_S_RE = re.compile(r"\bumr[\s_-]*s(?![a-z])")  # UMR_S 938, UMR-S1140, UMRS 1140


@dataclass(frozen=True, slots=True)
class Key:
    """A text's key tokens, and for each token whether a connector (and, et) stood before it."""

    tokens: tuple[str, ...]
    after_connector: tuple[bool, ...]


def plain_tokens(folded: str) -> list[str]:
    """Folded words and numbers, every one kept ("saint" and "ste" become "st"): for places."""
    return [_plain(t) for t in _TOKEN_RE.findall(_POSSESSIVE_RE.sub("s", folded))]


def _plain(token: str) -> str:
    if token.isdigit():
        return token.lstrip("0") or "0"
    return "st" if token in ("saint", "sainte", "ste") else token


def name_key(text: str, *, folded: bool = False) -> Key:
    """Key tokens of a name or of a part of an affiliation string."""
    value = text if folded else fold(text)
    value = _POSSESSIVE_RE.sub("s", _UMR_S_RE.sub("umr", value))
    for pattern, replacement in _PHRASES:
        value = pattern.sub(replacement, value)
    tokens: list[str] = []
    joins: list[bool] = []
    pending = False
    for raw in _TOKEN_RE.findall(value):
        if raw in STOPWORDS:
            pending = pending or raw in CONNECTORS
            continue
        if raw.isdigit():
            words: tuple[str, ...] = (raw.lstrip("0") or "0",)
        elif raw in EXPANSIONS:
            words = EXPANSIONS[raw]
        else:
            words = (_ROMAN.get(raw) or CANON.get(raw, raw),)
        for word in words:
            tokens.append(word)
            joins.append(pending)
            pending = False
    return Key(tuple(tokens), tuple(joins))


# Words of institutions' names that tell nothing about which one (besides the canonical
# tokens above and the words found in many names): a name made only of them ("Graduate School
# of Engineering", "Health Sciences Centre") needs a place to count.
GENERIC_WORDS = frozenset(t for word in _words(
    "graduate postgraduate advanced applied studies study higher superior central joint "
    "integrated interdisciplinary translational experimental fundamental basic public "
    "private federal regional provincial community family human social natural history "
    "museum materials engineering life earth environmental ecology evolution population "
    "care services service program network systems system training education teaching "
    "new general royal academy academie society association council board office agency "
    "fund trust partners alliance consortium") for t in name_key(word).tokens)


# --- cleaning and splitting ---

_EMAIL_PHRASE_RE = re.compile(
    r"(?:electronic address|e-?mail(?: address)?|courriel|adresse [ée]lectronique)\s*:?\s*"
    r"[^\s;,]+@[^\s;,]+", re.IGNORECASE)
_EMAIL_RE = re.compile(r"[^\s;,()]+@[^\s;,()]+")
_URL_RE = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_WOS_AUTHORS_RE = re.compile(r"^\s*\[[^\]]*\]\s*")
# Scopus "Authors with affiliations": "Bray, F., Section of ..." / "Shin, H.-R., ...".
_SCOPUS_AUTHOR_RE = re.compile(r"^\s*[^\W\d][\w'’ -]{0,40},\s(?:[^\W\d][a-z]?\.\s?-?)+,\s")
_SPLIT_CHUNKS_RE = re.compile(r"\s*(?:;|\||\n)\s*")
_SPLIT_PARTS_RE = re.compile(r"\s*[,()\[\]]\s*")
_LEADING_RE = re.compile(r"^(?:(?:and|et|from|the|&|also|both)\s+)+", re.IGNORECASE)
_STREET_RE = re.compile(
    r"^\d+[a-z-]*\s+(?:rue|avenue|av|ave|bd|boulevard|blvd|street|st|road|rd|chemin|ch|"
    r"route|place|pl|allee|cours|quai|impasse|way|drive|dr|lane|square|via|parkway|"
    r"promenade|cote|montee)\b", re.IGNORECASE)


def clean(raw: str) -> str:
    """Remove what is never part of an address: e-mails, URLs, author lists."""
    text = raw.replace("\u00a0", " ")
    text = _EMAIL_PHRASE_RE.sub(" ", text)
    text = _EMAIL_RE.sub(" ", text)
    text = _URL_RE.sub(" ", text)
    text = _WOS_AUTHORS_RE.sub("", text)
    return _SCOPUS_AUTHOR_RE.sub("", text)


_SENTENCE_RE = re.compile(r"\.\s+(?=[A-Z])")


def split_sentences(text: str, *, ends_address: Callable[[str], bool]) -> str:
    """MEDLINE joins the addresses of several authors with ". ": put a ";" where the text
    before such a full stop `ends_address` ("..., 69002 Lyon, France. CNRS UMR 5304, ...")."""
    pieces = []
    start = 0
    for match in _SENTENCE_RE.finditer(text):
        if ends_address(text[start:match.start()]):
            pieces.append(text[start:match.start()])
            start = match.end()
    pieces.append(text[start:])
    return "; ".join(pieces)


def split_chunks(text: str) -> list[list[str]]:
    """Chunks (split at ";") of comma-separated parts, each part trimmed."""
    chunks = []
    for chunk in _SPLIT_CHUNKS_RE.split(text):
        parts = []
        for piece in _SPLIT_PARTS_RE.split(chunk):
            part = _LEADING_RE.sub("", piece.strip(" .:;'\"*")).strip(" .:")
            if part and any(ch.isalnum() for ch in part):
                parts.append(part)
        if parts:
            chunks.append(parts)
    return chunks


def is_street(part: str) -> bool:
    """"3801 University Street", "150 cours Albert Thomas": a street address, no institution."""
    return bool(_STREET_RE.match(fold(part)))


def acronym_tokens(part: str) -> list[str]:
    """Tokens that could be acronyms, accents stripped and case kept: "AP-HP" and its pieces."""
    result: list[str] = []
    short: list[str] = []  # a run of short capitals: "AP HP" is also "AP-HP"
    for token in re.split(r"[\s,;:()\[\]/]+", unaccent(part)):
        token = token.strip(".'’\"")
        if not token:
            continue
        result.append(token)
        if "-" in token:
            result.extend(p for p in token.split("-") if p)
        if token.isupper() and token.isalpha() and len(token) <= 4:
            short.append(token)
            if len(short) >= 2:
                result.extend(("-".join(short[-2:]), "".join(short[-2:])))
        else:
            short = []
    return result


def looks_like_acronym(name: str) -> bool:
    """"UdeM", "CHUM", "AP-HP", "l'HGJ": one word with several capitals and no lower-case run."""
    text = unaccent(name).strip()
    if not text or " " in text or len(text) > 14:
        return False
    capitals = sum(ch.isupper() for ch in text)
    return capitals >= 2 and (capitals * 2 >= sum(ch.isalpha() for ch in text) or
                              not re.search(r"[a-z]{4}", text))


def mostly_upper(text: str) -> bool:
    """Old Web of Science addresses are all capitals: then every word looks like an acronym."""
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and sum(ch.isupper() for ch in letters) > 0.8 * len(letters)
