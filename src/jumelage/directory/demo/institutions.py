"""The demo's member institutions: real, with their ROR ids checked one by one."""

from __future__ import annotations

from dataclasses import dataclass

from jumelage.directory.models import Institution

# --- Institutions -------------------------------------------------------------------------------

@dataclass(frozen=True)
class InstitutionSpec:
    key: str
    ror_id: str | None
    name_fr: str
    name_en: str
    type: str
    city: str
    acronym: str = ""
    aliases: tuple[str, ...] = ()
    parents: tuple[str, ...] = ()

    @property
    def pole(self) -> str:
        return "oncopole" if self.city in _QUEBEC_CITIES else "clara"


_QUEBEC_CITIES = {"Montréal", "Sherbrooke", "Québec"}
_U, _H = Institution.Type.UNIVERSITY, Institution.Type.HOSPITAL
_CC, _RI = Institution.Type.CANCER_CENTRE, Institution.Type.RESEARCH_INSTITUTE

INSTITUTIONS = [
    # Auvergne-Rhône-Alpes
    InstitutionSpec("ucbl", "029brtt94", "Université Claude Bernard Lyon 1",
                    "Claude Bernard University Lyon 1", _U, "Villeurbanne", "UCBL",
                    ("Lyon 1", "Université Lyon 1")),
    InstitutionSpec("udl", "01rk35k63", "Université de Lyon", "University of Lyon", _U, "Lyon"),
    InstitutionSpec("ujm", "030bahv93", "Université Jean Monnet", "Jean Monnet University", _U,
                    "Saint-Étienne", "UJM", ("Université Jean Monnet Saint-Étienne",)),
    InstitutionSpec("uga", "02rx3b187", "Université Grenoble Alpes", "Grenoble Alpes University",
                    _U, "Saint-Martin-d'Hères", "UGA"),
    InstitutionSpec("uca", "01a8ajp46", "Université Clermont Auvergne",
                    "Clermont Auvergne University", _U, "Clermont-Ferrand", "UCA"),
    InstitutionSpec("clb", "01cmnjq37", "Centre Léon Bérard", "Centre Léon Bérard", _CC, "Lyon",
                    "CLB", ("Léon Bérard Cancer Centre",)),
    InstitutionSpec("hcl", "01502ca60", "Hospices Civils de Lyon", "Hospices Civils de Lyon", _H,
                    "Lyon", "HCL", ("Lyon University Hospital",)),
    InstitutionSpec("crcl", "02mgw3155", "Centre de recherche en cancérologie de Lyon",
                    "Cancer Research Center of Lyon", _RI, "Lyon", "CRCL",
                    parents=("clb", "ucbl")),
    InstitutionSpec("chu-se", "04pn6vp43", "Centre hospitalier universitaire de Saint-Étienne",
                    "Saint-Étienne University Hospital", _H, "Saint-Étienne",
                    aliases=("CHU de Saint-Étienne",)),
    InstitutionSpec("chuga", "041rhpw39", "CHU Grenoble Alpes", "Grenoble Alpes University "
                    "Hospital", _H, "Grenoble", aliases=("CHU de Grenoble",)),
    InstitutionSpec("chu-cf", "02tcf7a68", "CHU de Clermont-Ferrand",
                    "Clermont-Ferrand University Hospital", _H, "Clermont-Ferrand"),
    InstitutionSpec("iab", "05kwbf598", "Institut pour l'avancée des biosciences",
                    "Institute for Advanced Biosciences", _RI, "Grenoble", "IAB"),
    InstitutionSpec("cjp", None, "Centre Jean Perrin", "Centre Jean Perrin", _CC,
                    "Clermont-Ferrand", aliases=("Jean Perrin Cancer Centre",)),
    # Québec
    InstitutionSpec("udem", "0161xgx34", "Université de Montréal", "Université de Montréal", _U,
                    "Montréal", "UdeM", ("University of Montreal",)),
    InstitutionSpec("mcgill", "01pxwe438", "Université McGill", "McGill University", _U,
                    "Montréal", aliases=("McGill",)),
    InstitutionSpec("udes", "00kybxq39", "Université de Sherbrooke", "Université de Sherbrooke",
                    _U, "Sherbrooke", "UdeS", ("University of Sherbrooke",)),
    InstitutionSpec("ulaval", "04sjchr03", "Université Laval", "Université Laval", _U, "Québec",
                    aliases=("Laval University",)),
    InstitutionSpec("chum", "0410a8y51", "Centre hospitalier de l'Université de Montréal",
                    "University of Montreal Hospital Centre", _H, "Montréal", "CHUM",
                    parents=("udem",)),
    InstitutionSpec("muhc", "04cpxjv19", "Centre universitaire de santé McGill",
                    "McGill University Health Centre", _H, "Montréal", "MUHC", ("CUSM",)),
    InstitutionSpec("ri-muhc", "04pemf943",
                    "Institut de recherche du Centre universitaire de santé McGill",
                    "Research Institute of the McGill University Health Centre", _RI, "Montréal",
                    "RI-MUHC", ("IR-CUSM",), parents=("muhc",)),
    InstitutionSpec("goodman", "0494tzz73", "Institut du cancer Rosalind & Morris Goodman",
                    "Rosalind & Morris Goodman Cancer Institute", _RI, "Montréal",
                    aliases=("Goodman Cancer Institute",), parents=("mcgill",)),
    InstitutionSpec("jgh", "056jjra10", "Hôpital général juif", "Jewish General Hospital", _H,
                    "Montréal", "JGH", ("HGJ",)),
    InstitutionSpec("ldi", "02c1np254", "Institut Lady Davis de recherches médicales",
                    "Lady Davis Institute for Medical Research", _RI, "Montréal", "LDI",
                    parents=("jgh",)),
    InstitutionSpec("chus", "020r51985", "Centre hospitalier universitaire de Sherbrooke",
                    "Sherbrooke University Hospital Centre", _H, "Sherbrooke", "CHUS"),
    InstitutionSpec("ircus", "04m2syz25",
                    "Institut de recherche sur le cancer de l'Université de Sherbrooke",
                    "Cancer Research Institute of the Université de Sherbrooke", _RI,
                    "Sherbrooke", "IRCUS", parents=("udes",)),
    InstitutionSpec("chuq", "05qn5kv73", "CHU de Québec-Université Laval",
                    "CHU de Québec-Université Laval", _H, "Québec",
                    aliases=("CHU de Québec",)),
    InstitutionSpec("cr-chuq", "04rgqcd02", "Centre de recherche du CHU de Québec-Université "
                    "Laval", "CHU de Québec-Université Laval Research Centre", _RI, "Québec",
                    parents=("chuq",)),
    InstitutionSpec("hmr", "03rdc4968", "Hôpital Maisonneuve-Rosemont",
                    "Maisonneuve-Rosemont Hospital", _H, "Montréal", "HMR"),
    InstitutionSpec("csj", "01gv74p78", "CHU Sainte-Justine", "CHU Sainte-Justine", _H,
                    "Montréal", aliases=("Sainte-Justine University Hospital Centre",)),
    InstitutionSpec("ircm", "05m8pzq90", "Institut de recherches cliniques de Montréal",
                    "Montreal Clinical Research Institute", _RI, "Montréal", "IRCM",
                    parents=("udem",)),
]

# Where a team's senior people hold their second appointment (university or hospital).
_SECOND_APPOINTMENT = {
    "crcl": "ucbl", "clb": "ucbl", "hcl": "ucbl", "udl": "ucbl", "ucbl": "hcl", "ujm": "chu-se",
    "chu-se": "ujm", "uga": "chuga", "iab": "uga", "chuga": "uga", "uca": "chu-cf",
    "cjp": "uca", "chu-cf": "uca", "chum": "udem", "ircm": "udem", "udem": "chum",
    "hmr": "udem", "csj": "udem", "goodman": "mcgill", "ri-muhc": "mcgill", "muhc": "mcgill",
    "ldi": "mcgill", "jgh": "mcgill", "ircus": "udes", "chus": "udes", "udes": "chus",
    "cr-chuq": "ulaval", "chuq": "ulaval", "ulaval": "chuq",
}
