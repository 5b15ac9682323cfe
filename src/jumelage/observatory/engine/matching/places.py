"""Places in addresses: countries, Canadian provinces, postal codes, regions.

Region codes are "CA-QC", "FR-ARA" and so on. A Canadian postal code gives its province by the
first letter of its forward sortation area (H: Montréal, G: eastern Québec, J: western Québec);
a French one its département, hence its region (69 Rhône, 38 Isère... are Auvergne-Rhône-Alpes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from jumelage.observatory.engine.matching.text import fold, plain_tokens


def _keys(text: str) -> tuple[str, ...]:
    return tuple(plain_tokens(fold(text)))


_COUNTRIES = {
    "FR": "France|République française|French Republic",
    "CA": "Canada",
    "US": "USA|U.S.A.|U.S.|United States|United States of America|Etats-Unis",
    "GB": "UK|U.K.|United Kingdom|England|Scotland|Wales|Great Britain|Northern Ireland|"
          "Royaume-Uni",
    "DE": "Germany|Deutschland|Allemagne", "IT": "Italy|Italia|Italie",
    "ES": "Spain|España|Espagne", "CH": "Switzerland|Suisse|Schweiz",
    "BE": "Belgium|Belgique|België", "NL": "Netherlands|The Netherlands|Pays-Bas|Holland",
    "LU": "Luxembourg", "PT": "Portugal", "IE": "Ireland|Irlande", "AT": "Austria|Autriche",
    "SE": "Sweden|Suède", "NO": "Norway|Norvège", "DK": "Denmark|Danemark",
    "FI": "Finland|Finlande", "IS": "Iceland", "PL": "Poland|Pologne",
    "CZ": "Czech Republic|Czechia", "GR": "Greece|Grèce", "TR": "Turkey|Turquie",
    "RU": "Russia|Russian Federation|Russie", "IL": "Israel|Israël", "LB": "Lebanon|Liban",
    "EG": "Egypt|Égypte", "MA": "Morocco|Maroc", "DZ": "Algeria|Algérie",
    "TN": "Tunisia|Tunisie", "SN": "Senegal|Sénégal", "ML": "Mali",
    "CI": "Ivory Coast|Côte d'Ivoire", "CM": "Cameroon|Cameroun", "BF": "Burkina Faso",
    "MG": "Madagascar", "ZA": "South Africa|Afrique du Sud", "NG": "Nigeria", "KE": "Kenya",
    "ET": "Ethiopia", "JP": "Japan|Japon",
    "CN": "China|Chine|PR China|P.R. China|People's Republic of China", "HK": "Hong Kong",
    "TW": "Taiwan", "KR": "Korea|South Korea|Republic of Korea|Corée", "IN": "India|Inde",
    "PK": "Pakistan", "TH": "Thailand|Thaïlande", "VN": "Vietnam|Viet Nam", "SG": "Singapore",
    "MY": "Malaysia", "ID": "Indonesia", "PH": "Philippines", "AU": "Australia|Australie",
    "NZ": "New Zealand", "BR": "Brazil|Brasil|Brésil", "AR": "Argentina|Argentine",
    "CL": "Chile|Chili", "MX": "Mexico|Mexique", "CO": "Colombia|Colombie", "PE": "Peru|Pérou",
    "CU": "Cuba", "HT": "Haiti|Haïti", "IR": "Iran", "SA": "Saudi Arabia",
    "AE": "United Arab Emirates|UAE", "QA": "Qatar",
    "GF": "French Guiana|Guyane|Guyane française", "GP": "Guadeloupe", "MQ": "Martinique",
    "RE": "Reunion|La Réunion|Île de la Réunion", "YT": "Mayotte",
    "NC": "New Caledonia|Nouvelle-Calédonie", "PF": "French Polynesia|Polynésie française",
}
COUNTRY_KEYS = {_keys(name): code for code, names in _COUNTRIES.items()
                for name in names.split("|")}
# French overseas départements and territories have their own ISO codes; French national
# organisations work there.
FRENCH_OVERSEAS = frozenset({"GF", "GP", "MQ", "RE", "YT", "NC", "PF", "PM"})

_US_STATES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Calif|Colorado|Connecticut|Delaware|Florida|"
    "Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maryland|Massachusetts|"
    "Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|"
    "New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|"
    "Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|"
    "West Virginia|Wisconsin|Wyoming|District of Columbia|DC|D.C.")
US_STATE_KEYS = frozenset(_keys(name) for name in _US_STATES.split("|"))

_PROVINCES = {
    "QC": "Quebec|Province of Quebec|Province de Québec|QC|PQ|P.Q.|Que|Qué",
    "ON": "Ontario|ON|Ont",
    "BC": "British Columbia|Colombie-Britannique|BC|B.C.",
    "AB": "Alberta|AB|Alta",
    "SK": "Saskatchewan|SK|Sask",
    "MB": "Manitoba|MB|Man",
    "NS": "Nova Scotia|Nouvelle-Écosse|NS|N.S.",
    "NB": "New Brunswick|Nouveau-Brunswick|NB|N.B.",
    "NL": "Newfoundland|Newfoundland and Labrador|Terre-Neuve|Terre-Neuve-et-Labrador|NL|Nfld",
    "PE": "Prince Edward Island|Île-du-Prince-Édouard|PE|PEI|P.E.I.",
    "YT": "Yukon|YT", "NT": "Northwest Territories|Territoires du Nord-Ouest|NT|NWT",
    "NU": "Nunavut|NU",
}
PROVINCE_KEYS = {_keys(name): f"CA-{code}" for code, names in _PROVINCES.items()
                 for name in names.split("|")}
_QUEBEC = ("quebec",)

# First letter of a Canadian forward sortation area -> province.
_FSA = {"A": "NL", "B": "NS", "C": "PE", "E": "NB", "G": "QC", "H": "QC", "J": "QC",
        "K": "ON", "L": "ON", "M": "ON", "N": "ON", "P": "ON", "R": "MB", "S": "SK", "T": "AB",
        "V": "BC", "X": "NT", "Y": "YT"}
CA_POSTAL_RE = re.compile(r"\b([ABCEGHJ-NPRSTVXY]\d[A-Z])\s?(\d[A-Z]\d)\b")
FR_POSTAL_RE = re.compile(r"(?<![\w-])(?:F\s?-\s?)?((?:0[1-9]|[1-8]\d|9[0-5]|97[1-6])\d{3})"
                          r"(?![\w-])")
US_ZIP_RE = re.compile(r"\b[A-Z]{2}\s+\d{5}(?:-\d{4})?\b")

_FR_REGIONS = {
    "ARA": "01 03 07 15 26 38 42 43 63 69 73 74", "BFC": "21 25 39 58 70 71 89 90",
    "BRE": "22 29 35 56", "CVL": "18 28 36 37 41 45", "COR": "20",
    "GES": "08 10 51 52 54 55 57 67 68 88", "HDF": "02 59 60 62 80",
    "IDF": "75 77 78 91 92 93 94 95", "NOR": "14 27 50 61 76",
    "NAQ": "16 17 19 23 24 33 40 47 64 79 86 87", "OCC": "09 11 12 30 31 32 34 46 48 65 66 81 82",
    "PDL": "44 49 53 72 85", "PAC": "04 05 06 13 83 84",
}
DEPARTMENT_REGION = {dept: f"FR-{region}" for region, depts in _FR_REGIONS.items()
                     for dept in depts.split()}
_OVERSEAS_POSTAL = {"971": "GP", "972": "MQ", "973": "GF", "974": "RE", "976": "YT"}

# Region names as ROR gives them (current and pre-2016 French regions) -> region codes.
_REGION_NAMES = {
    "FR-ARA": "Auvergne-Rhône-Alpes|Rhône-Alpes|Auvergne",
    "FR-BFC": "Bourgogne-Franche-Comté|Bourgogne|Burgundy|Franche-Comté",
    "FR-BRE": "Bretagne|Brittany", "FR-CVL": "Centre-Val de Loire|Centre",
    "FR-COR": "Corse|Corsica",
    "FR-GES": "Grand Est|Alsace|Lorraine|Champagne-Ardenne",
    "FR-HDF": "Hauts-de-France|Nord-Pas-de-Calais|Picardie|Picardy",
    "FR-IDF": "Île-de-France", "FR-NOR": "Normandie|Normandy|Basse-Normandie|Haute-Normandie",
    "FR-NAQ": "Nouvelle-Aquitaine|Aquitaine|Limousin|Poitou-Charentes",
    "FR-OCC": "Occitanie|Occitania|Midi-Pyrénées|Languedoc-Roussillon",
    "FR-PDL": "Pays de la Loire", "FR-PAC": "Provence-Alpes-Côte d'Azur",
}
REGION_NAME_CODES = {" ".join(_keys(name)): code for code, names in _REGION_NAMES.items()
                     for name in names.split("|")}
for _code, _names in _PROVINCES.items():
    REGION_NAME_CODES[" ".join(_keys(_names.split("|")[0]))] = f"CA-{_code}"


def region_code(*, country: str, region: str) -> str:
    """"Auvergne-Rhône-Alpes" -> "FR-ARA", "Quebec" -> "CA-QC"; "" when unknown."""
    code = REGION_NAME_CODES.get(" ".join(_keys(region)), "") if region else ""
    return code if code.startswith(f"{country}-") else ""


def compatible_country(org_country: str, countries: set[str]) -> bool:
    return org_country in countries or (org_country == "FR" and bool(countries &
                                                                      FRENCH_OVERSEAS))


# Tokens stripped from the end of a place part: "Lyon Cedex 08", "Montréal (Québec)".
_PLACE_NOISE = frozenset({"cedex", "city", "bp", "cs", "box", "po", "sp", "cp"})
# Spellings of cities that differ from the registry's (the registry's own are read from it).
CITY_VARIANTS = {("lyons",): ("lyon",), ("marseilles",): ("marseille",),
                 ("st foy",): ("quebec",), ("quebec", "city"): ("quebec",),
                 ("ville", "quebec"): ("quebec",), ("clermont",): ("clermont", "ferrand")}


@dataclass(slots=True)
class PlacePart:
    """What one comma part says about the place: empty fields when it names nothing."""

    countries: set[str] = field(default_factory=set)
    regions: set[str] = field(default_factory=set)
    fr_regions: set[str] = field(default_factory=set)  # from a 5-digit code: France only
    cities: set[tuple[str, ...]] = field(default_factory=set)
    country_named: bool = False  # a country's name, not only a province or a postal code
    quebec_alone: bool = False  # "Québec" alone: the province, or the city when no other one
    is_place: bool = False  # nothing else in the part

    @property
    def country_only(self) -> bool:
        return self.is_place and bool(self.countries) and not self.cities


def parse_place(part: str, *, city_keys: dict[tuple[str, ...], object],
                city_max: int) -> PlacePart:
    """Read `part` as a place: "Montreal, QC H3T 1J4", "69372 Lyon Cedex 08", "Canada"."""
    place = PlacePart()
    text = part
    for match in CA_POSTAL_RE.finditer(text.upper()):
        place.regions.add(f"CA-{_FSA[match.group(1)[0]]}")
        place.countries.add("CA")
    text = CA_POSTAL_RE.sub(" ", text.upper()) if place.countries else text
    if US_ZIP_RE.search(text):
        place.countries.add("US")
        text = US_ZIP_RE.sub(" ", text)
    for match in FR_POSTAL_RE.finditer(text):
        code = match.group(1)
        overseas = _OVERSEAS_POSTAL.get(code[:3])
        if overseas:
            place.countries.add(overseas)
        elif code[:2] in DEPARTMENT_REGION:
            place.fr_regions.add(DEPARTMENT_REGION[code[:2]])
    text = FR_POSTAL_RE.sub(" ", text)
    tokens = plain_tokens(fold(text))
    while tokens:  # strip from the end: countries, provinces, cedex, numbers
        stripped = _strip_suffix(tokens, place)
        if stripped == len(tokens):
            break
        tokens = tokens[:stripped]
    if tuple(tokens) == _QUEBEC and not place.cities:
        place.quebec_alone = True
        place.regions.add("CA-QC")
        place.countries.add("CA")
        tokens = []
    if tokens:
        key = CITY_VARIANTS.get(tuple(tokens), tuple(tokens))
        if key in city_keys and len(key) <= city_max:
            place.cities.add(key)
            tokens = []
    place.is_place = not tokens and bool(place.countries or place.regions or place.cities or
                                         place.fr_regions)
    if not place.is_place:  # a country named at the end of an institution's part counts
        place.regions.clear()
        place.fr_regions.clear()
        place.quebec_alone = False
        if not place.country_named:  # "Bristol BS1 2NT": not the Northwest Territories
            place.countries.clear()
    return place


def _strip_suffix(tokens: list[str], place: PlacePart) -> int:
    """Length of `tokens` once one place word (or group of words) is taken off their end."""
    last = tokens[-1]
    if last.isdigit() or last in _PLACE_NOISE:
        return len(tokens) - 1
    for size in (4, 3, 2, 1):
        if size > len(tokens):
            continue
        tail = tuple(tokens[-size:])
        if tail in COUNTRY_KEYS:
            place.countries.add(COUNTRY_KEYS[tail])
            place.country_named = True
            return len(tokens) - size
        if tail in US_STATE_KEYS:
            place.countries.add("US")
            return len(tokens) - size
        if tail in PROVINCE_KEYS and (tail != _QUEBEC or size < len(tokens)):
            place.regions.add(PROVINCE_KEYS[tail])
            place.countries.add("CA")
            return len(tokens) - size
    return len(tokens)
