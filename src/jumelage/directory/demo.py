"""The demo partnership: two poles, their themes, member institutions, fictional teams and people,
and one sign-in per role. `seed_demo()` loads it; running it again adds and changes nothing.

Poles, themes and institutions are real and typed by hand (ROR ids checked one by one). Teams and
people are fictional: names come from Faker (fr_FR on the CLARA side, fr_CA on the Oncopole side)
with fixed seeds, emails are on a reserved demo domain, and ORCID iDs lie in a range ORCID does not
assign. Each row is found again by a natural key (pole and theme codes, ROR id, email, team name
within its institution) and only created when missing; existing rows are never overwritten.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field
from typing import TextIO

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils.translation import gettext as _
from faker import Faker

from jumelage.accounts.models import User
from jumelage.core import audit
from jumelage.directory.identifiers import orcid_checksum
from jumelage.directory.models import Affiliation, Institution, Person, Pole, Team, Theme

DEMO_DOMAIN = "demo.jumelage.example"
DEMO_PASSWORD = "jumelage-demo-2018"  # noqa: S105 - published on purpose: demo accounts only
SEED = 20180308  # the date of the agreement

# People named in the founding press release: never reused for a demo person, not even the
# family name alone.
PRESS_RELEASE_NAMES = (
    ("Rémi", "Quirion"), ("Véronique", "Trillet-Lenoir"), ("Olivier", "Exertier"),
    ("Gwenaëlle", "Paret"), ("Anne-Sophie", "Chatain-Masson"), ("Laurence", "Nicolas"),
)

# What seed_demo counts, in the order it loads them.
DEMO_MODELS: dict[str, type[models.Model]] = {
    "poles": Pole, "themes": Theme, "institutions": Institution, "teams": Team,
    "people": Person, "affiliations": Affiliation, "users": User,
    "email_addresses": EmailAddress, "authenticators": Authenticator,
}


# --- Poles and themes ---------------------------------------------------------------------------

POLES = [
    {
        "code": "clara",
        "name_fr": "Cancéropôle Lyon Auvergne-Rhône-Alpes",
        "name_en": "Cancéropôle Lyon Auvergne-Rhône-Alpes",
        "short_name": "CLARA", "country": "FR", "region_code": "ARA",
        "region_fr": "Auvergne-Rhône-Alpes", "region_en": "Auvergne-Rhône-Alpes",
        "currency": "EUR", "time_zone": "Europe/Paris",
        "website": "https://www.canceropole-clara.com",
        "description_fr": (
            "Le Cancéropôle Lyon Auvergne-Rhône-Alpes (CLARA) est une initiative lancée et "
            "financée par les pouvoirs publics (Institut national du cancer, collectivités "
            "territoriales et Fonds européen de développement régional) dans le cadre des Plans "
            "cancer nationaux. Depuis 2003, il fédère les acteurs académiques, cliniques et "
            "industriels de la région au service d'un double objectif\u00a0: le transfert rapide "
            "des découvertes vers les patients et la valorisation économique de la recherche. Il "
            "ouvre aussi la recherche aux sciences humaines et sociales et à la santé publique. "
            "Le CLARA est placé sous l'égide de la Fondation Léa et Napoléon Bullukian."
        ),
        "description_en": (
            "The Cancéropôle Lyon Auvergne-Rhône-Alpes (CLARA) is an initiative launched and "
            "funded by public authorities (the French National Cancer Institute, local "
            "authorities and the European Regional Development Fund) as part of the national "
            "Cancer Plans. Since 2003 it has brought together the region's academic, clinical "
            "and industrial players with two aims: moving discoveries quickly to patients and "
            "turning research to economic account. It also opens research to the humanities, "
            "social sciences and public health. CLARA operates under the aegis of the Léa and "
            "Napoléon Bullukian Foundation."
        ),
    },
    {
        "code": "oncopole",
        "name_fr": "Oncopole", "name_en": "Oncopole", "short_name": "Oncopole",
        "country": "CA", "region_code": "QC", "region_fr": "Québec", "region_en": "Quebec",
        "currency": "CAD", "time_zone": "America/Toronto", "website": "https://oncopole.ca",
        "description_fr": (
            "L'Oncopole est un pôle québécois de recherche, de développement et d'investissement "
            "pour accélérer la lutte contre le cancer. Créé en février 2017, il est issu d'une "
            "démarche de cocréation du Fonds de recherche du Québec – Santé (FRQS), rendue "
            "possible par un investissement initial de 15 M$ de Merck Canada. Il agit comme "
            "catalyseur de l'écosystème de la recherche et de l'innovation en oncologie au "
            "Québec. Ses priorités d'action sont la recherche, l'entrepreneuriat, la "
            "valorisation et l'intégration de l'innovation, et la pertinence clinique."
        ),
        "description_en": (
            "Oncopole is a Quebec hub for research, development and investment to speed up the "
            "fight against cancer. Created in February 2017, it stems from a co-creation process "
            "led by the Fonds de recherche du Québec – Santé (FRQS), made possible by an "
            "initial investment of $15 million from Merck Canada. It acts as a catalyst for "
            "Quebec's oncology research and innovation ecosystem; its priorities are research, "
            "entrepreneurship, the valorisation and integration of innovation, and clinical "
            "relevance."
        ),
    },
]

_T, _P = Theme.Kind.THEME, Theme.Kind.PRIORITY
# (code, kind, name_fr, name_en, description_fr, description_en); position follows the order.
THEMES = [
    ("genomics-precision-medicine", _T, "Génomique et médecine de précision",
     "Genomics and precision medicine",
     "Caractériser les tumeurs par le séquençage et les biomarqueurs pour adapter le "
     "traitement à chaque patient.",
     "Characterising tumours through sequencing and biomarkers to tailor treatment to each "
     "patient."),
    ("cell-therapy", _T, "Thérapie cellulaire", "Cell therapy",
     "Concevoir et évaluer des traitements fondés sur des cellules vivantes, comme les "
     "lymphocytes CAR-T.",
     "Designing and evaluating treatments based on living cells, such as CAR-T cells."),
    ("oncology-care-organisation", _T, "Organisation des soins en oncologie",
     "Organisation of oncology care",
     "Améliorer les parcours, la coordination et la qualité des soins des personnes atteintes "
     "de cancer.",
     "Improving the pathways, coordination and quality of care for people with cancer."),
    ("research", _P, "Recherche", "Research",
     "Soutenir une recherche sur le cancer d'excellence, de la découverte fondamentale à la "
     "clinique.",
     "Supporting excellent cancer research, from fundamental discovery to the clinic."),
    ("entrepreneurship", _P, "Entrepreneuriat", "Entrepreneurship",
     "Encourager la création d'entreprises et les partenariats industriels issus de la "
     "recherche en oncologie.",
     "Encouraging start-ups and industrial partnerships that arise from oncology research."),
    ("innovation-valorisation-integration", _P, "Valorisation et intégration de l'innovation",
     "Valorisation and integration of innovation",
     "Valoriser les résultats de la recherche et intégrer les innovations dans le système de "
     "santé.",
     "Turning research results to account and integrating innovations into the health system."),
    ("clinical-relevance", _P, "Pertinence clinique", "Clinical relevance",
     "Orienter les projets vers des retombées concrètes pour les patients et la pratique "
     "clinique.",
     "Steering projects towards tangible benefits for patients and clinical practice."),
    ("humanities-social-sciences", _P, "Sciences humaines et sociales",
     "Humanities and social sciences",
     "Ouvrir la recherche sur le cancer aux sciences humaines et sociales pour placer le "
     "patient au cœur de la recherche.",
     "Opening cancer research to the humanities and social sciences to put patients at the "
     "heart of research."),
    ("public-health", _P, "Santé publique", "Public health",
     "Prendre en compte la prévention, le dépistage et les inégalités de santé face au cancer.",
     "Addressing cancer prevention, screening and health inequalities."),
]
_GEN, _CELL, _CARE = "genomics-precision-medicine", "cell-therapy", "oncology-care-organisation"
AGREEMENT_THEMES = (_GEN, _CELL, _CARE)
PRIORITIES = tuple(code for code, kind, *_rest in THEMES if kind == _P)


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


# --- Teams (fictional) --------------------------------------------------------------------------

@dataclass(frozen=True)
class TeamSpec:
    institution: str
    name_fr: str
    name_en: str
    themes: tuple[str, ...]
    cancer: str = ""  # English name from CANCER_TYPES when the team works on one cancer


TEAMS = [
    TeamSpec("crcl", "Équipe Immunothérapie des lymphomes", "Lymphoma immunotherapy team",
             (_CELL,), "lymphoma"),
    TeamSpec("crcl", "Équipe Génomique des tumeurs pédiatriques",
             "Paediatric tumour genomics team", (_GEN,), "paediatric cancers"),
    TeamSpec("clb", "Équipe Biomarqueurs circulants et biopsie liquide",
             "Circulating biomarkers and liquid biopsy team", (_GEN, "clinical-relevance")),
    TeamSpec("clb", "Équipe Parcours de soins et qualité de vie",
             "Care pathways and quality of life team", (_CARE, "humanities-social-sciences")),
    TeamSpec("hcl", "Équipe Thérapie cellulaire et greffe de cellules souches "
             "hématopoïétiques", "Cell therapy and haematopoietic stem cell transplantation "
             "team", (_CELL,), "leukaemia"),
    TeamSpec("hcl", "Équipe Pharmacogénomique clinique", "Clinical pharmacogenomics team",
             (_GEN,)),
    TeamSpec("ucbl", "Équipe Épidémiologie des cancers et santé publique",
             "Cancer epidemiology and public health team", (_CARE, "public-health")),
    TeamSpec("udl", "Équipe Sciences humaines et sociales en cancérologie",
             "Humanities and social sciences in oncology team",
             (_CARE, "humanities-social-sciences")),
    TeamSpec("ujm", "Équipe Microenvironnement tumoral et radiobiologie",
             "Tumour microenvironment and radiobiology team", (_GEN,)),
    TeamSpec("chu-se", "Équipe Oncologie thoracique de précision",
             "Precision thoracic oncology team", (_GEN, "clinical-relevance"), "lung cancer"),
    TeamSpec("uga", "Équipe Épigénétique et signalisation cellulaire",
             "Epigenetics and cell signalling team", (_GEN,)),
    TeamSpec("iab", "Équipe Cellules souches cancéreuses et résistance",
             "Cancer stem cells and resistance team", (_CELL, _GEN)),
    TeamSpec("chuga", "Équipe Organisation des soins en oncogériatrie",
             "Geriatric oncology care organisation team", (_CARE,)),
    TeamSpec("uca", "Équipe Nutrition, cancer et prévention",
             "Nutrition, cancer and prevention team", (_CARE, "public-health")),
    TeamSpec("cjp", "Équipe Imagerie moléculaire et thérapies ciblées",
             "Molecular imaging and targeted therapies team", (_GEN,)),
    TeamSpec("chu-cf", "Équipe Cellules CAR-T et immunomonitorage",
             "CAR-T cells and immunomonitoring team", (_CELL,), "lymphoma"),
    TeamSpec("chum", "Équipe Immuno-oncologie translationnelle",
             "Translational immuno-oncology team", (_CELL, "innovation-valorisation-integration")),
    TeamSpec("chum", "Équipe Trajectoires de soins en oncologie",
             "Oncology care trajectories team", (_CARE,)),
    TeamSpec("ircm", "Équipe Génomique fonctionnelle du cancer",
             "Functional cancer genomics team", (_GEN,)),
    TeamSpec("udem", "Équipe Bio-informatique et médecine de précision",
             "Bioinformatics and precision medicine team", (_GEN,)),
    TeamSpec("goodman", "Équipe Métabolisme du cancer", "Cancer metabolism team", (_GEN,)),
    TeamSpec("ri-muhc", "Équipe Essais cliniques et pertinence clinique",
             "Clinical trials and clinical relevance team", (_CARE, "clinical-relevance")),
    TeamSpec("ldi", "Équipe Génomique du cancer du sein", "Breast cancer genomics team",
             (_GEN,), "breast cancer"),
    TeamSpec("jgh", "Équipe Soins de soutien en oncologie", "Supportive oncology care team",
             (_CARE,)),
    TeamSpec("ircus", "Équipe Signalisation et thérapies ciblées",
             "Signalling and targeted therapies team", (_GEN,)),
    TeamSpec("chus", "Équipe Radiothérapie et physique médicale",
             "Radiotherapy and medical physics team", (_CARE,)),
    TeamSpec("cr-chuq", "Équipe Oncologie et santé des populations",
             "Oncology and population health team", (_CARE, "public-health")),
    TeamSpec("cr-chuq", "Équipe Thérapie cellulaire et génie tissulaire",
             "Cell therapy and tissue engineering team", (_CELL,)),
    TeamSpec("hmr", "Équipe Greffe et immunothérapie cellulaire",
             "Transplantation and cellular immunotherapy team", (_CELL,), "multiple myeloma"),
    TeamSpec("csj", "Équipe Leucémies de l'enfant", "Childhood leukaemia team", (_GEN, _CELL),
             "leukaemia"),
    TeamSpec("ulaval", "Équipe Entrepreneuriat et innovation en oncologie",
             "Oncology entrepreneurship and innovation team",
             (_CARE, "entrepreneurship", "innovation-valorisation-integration")),
]
# Senior clinicians with no team, one per hospital or cancer centre.
_UNTEAMED_AT = ("hcl", "clb", "chu-se", "chuga", "chu-cf", "cjp", "chum", "muhc", "jgh", "chus",
                "chuq", "hmr", "csj", "ulaval")


# --- Words and positions ------------------------------------------------------------------------

KEYWORDS = {
    _GEN: [("séquençage à haut débit", "high-throughput sequencing"),
           ("biopsie liquide", "liquid biopsy"), ("oncogénétique", "cancer genetics"),
           ("biomarqueurs", "biomarkers"), ("bio-informatique", "bioinformatics"),
           ("thérapies ciblées", "targeted therapies"), ("épigénétique", "epigenetics"),
           ("hétérogénéité tumorale", "tumour heterogeneity"),
           ("pharmacogénomique", "pharmacogenomics")],
    _CELL: [("lymphocytes CAR-T", "CAR-T cells"), ("immunothérapie", "immunotherapy"),
            ("lymphocytes T", "T cells"), ("cellules NK", "NK cells"),
            ("greffe de cellules souches hématopoïétiques",
             "haematopoietic stem cell transplantation"),
            ("cellules souches cancéreuses", "cancer stem cells"),
            ("microenvironnement tumoral", "tumour microenvironment")],
    _CARE: [("parcours de soins", "care pathways"), ("qualité de vie", "quality of life"),
            ("soins de soutien", "supportive care"), ("oncogériatrie", "geriatric oncology"),
            ("équité en santé", "health equity"),
            ("résultats rapportés par les patients", "patient-reported outcomes"),
            ("soins palliatifs", "palliative care")],
}
CANCER_TYPES = [
    ("lymphome", "lymphoma"), ("leucémie", "leukaemia"), ("cancer du sein", "breast cancer"),
    ("cancer du poumon", "lung cancer"), ("mélanome", "melanoma"),
    ("cancer colorectal", "colorectal cancer"), ("glioblastome", "glioblastoma"),
    ("cancers pédiatriques", "paediatric cancers"), ("cancer de la prostate", "prostate cancer"),
    ("myélome multiple", "multiple myeloma"), ("cancer du pancréas", "pancreatic cancer"),
]

_S = Person.CareerStage
# (side, stage) -> (masculine, feminine) job title, as each side writes it.
POSITIONS = {
    ("clara", _S.ESTABLISHED): ("Directeur de recherche", "Directrice de recherche"),
    ("clara", _S.EARLY): ("Chargé de recherche", "Chargée de recherche"),
    ("clara", _S.CLINICIAN): ("Médecin chercheur", "Médecin chercheuse"),
    ("clara", _S.POSTDOC): ("Chercheur postdoctoral", "Chercheuse postdoctorale"),
    ("clara", _S.DOCTORAL): ("Doctorant", "Doctorante"),
    ("clara", _S.MASTERS): ("Étudiant en master", "Étudiante en master"),
    ("oncopole", _S.ESTABLISHED): ("Chercheur sénior", "Chercheuse sénior"),
    ("oncopole", _S.EARLY): ("Chercheur-boursier junior", "Chercheuse-boursière junior"),
    ("oncopole", _S.CLINICIAN): ("Clinicien-chercheur", "Clinicienne-chercheuse"),
    ("oncopole", _S.POSTDOC): ("Stagiaire postdoctoral", "Stagiaire postdoctorale"),
    ("oncopole", _S.DOCTORAL): ("Étudiant au doctorat", "Étudiante au doctorat"),
    ("oncopole", _S.MASTERS): ("Étudiant à la maîtrise", "Étudiante à la maîtrise"),
}
# (side, institution type of the second appointment) -> (masculine, feminine)
SECOND_POSITIONS = {
    ("clara", _U): ("Professeur des universités", "Professeure des universités"),
    ("clara", _H): ("Praticien hospitalier", "Praticienne hospitalière"),
    ("oncopole", _U): ("Professeur titulaire", "Professeure titulaire"),
    ("oncopole", _H): ("Clinicien-chercheur", "Clinicienne-chercheuse"),
}
VISITING_POSITION = ("Chercheur invité", "Chercheuse invitée")
# Years in which a current appointment at each stage may have started.
_START_YEARS = {
    _S.ESTABLISHED: (1998, 2014), _S.CLINICIAN: (2003, 2018), _S.EARLY: (2016, 2023),
    _S.POSTDOC: (2022, 2024), _S.DOCTORAL: (2021, 2024), _S.MASTERS: (2023, 2024),
}


# --- Demo accounts ------------------------------------------------------------------------------

@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    pole: str
    password: str
    totp_secret: str  # base32; "" when the role does not need a second factor


@dataclass(frozen=True)
class _Account:
    email: str
    role: str
    pole: str
    first_name: str
    last_name: str
    language: str
    time_zone: str
    totp_secret: str = ""
    superuser: bool = False


# Published on purpose, like the password: a newcomer adds them to an authenticator app or runs
# `jumelage demo_totp EMAIL`. They are base32 of "jumelage-demo-admin!" and so on.
ACCOUNTS = [
    _Account(f"admin@{DEMO_DOMAIN}", User.Role.SITE_ADMIN, "", "Alex", "Démo-Administration",
             "fr", "Europe/Paris", "NJ2W2ZLMMFTWKLLEMVWW6LLBMRWWS3RB", superuser=True),
    _Account(f"staff.clara@{DEMO_DOMAIN}", User.Role.POLE_STAFF, "clara", "Camille",
             "Démo-CLARA", "fr", "Europe/Paris", "NJ2W2ZLMMFTWKLLEMVWW6LLDNRQXEYJB"),
    _Account(f"staff.oncopole@{DEMO_DOMAIN}", User.Role.POLE_STAFF, "oncopole", "Charlie",
             "Démo-Oncopole", "fr", "America/Toronto", "NJ2W2ZLMMFTWKLLEMVWW6LLPNZRW6IJB"),
    _Account(f"researcher@{DEMO_DOMAIN}", User.Role.RESEARCHER, "", "Dominique",
             "Démo-Recherche", "en", "America/Toronto"),
    _Account(f"student@{DEMO_DOMAIN}", User.Role.STUDENT, "", "Sacha", "Démo-Études", "fr",
             "Europe/Paris"),
]


def demo_logins() -> list[DemoLogin]:
    return [DemoLogin(a.email, a.role, a.pole, DEMO_PASSWORD, a.totp_secret) for a in ACCOUNTS]


def is_demo_email(email: str) -> bool:
    return email.strip().lower().endswith(f"@{DEMO_DOMAIN}")


# --- People (fictional, generated deterministically) --------------------------------------------

@dataclass
class AffiliationSpec:
    institution: str
    team: int | None  # index in TEAMS
    position: str
    start_date: dt.date
    end_date: dt.date | None = None


@dataclass
class PersonSpec:
    email: str
    given_name: str
    family_name: str
    career_stage: str
    themes: list[str]
    keywords: list[str]
    languages: list[str]
    public_profile: bool = False
    show_email: bool = False
    orcid: str | None = None
    bio_fr: str = ""
    bio_en: str = ""
    affiliations: list[AffiliationSpec] = field(default_factory=list)
    leads_team: int | None = None
    account: str = ""  # email of the demo account linked to this person


def demo_orcid(number: int) -> str:
    """A well-formed ORCID iD in 0000-0000-9xxx-xxxx, a block ORCID does not assign."""
    base = f"0000000090{number:05d}"
    digits = base + orcid_checksum(base)
    return "-".join(digits[i:i + 4] for i in range(0, 16, 4))


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_BLOCKED_FULL = {_fold(f"{g} {f}") for g, f in PRESS_RELEASE_NAMES}
_BLOCKED_FAMILY = {_fold(f) for _given, f in PRESS_RELEASE_NAMES}
PEOPLE_COUNT = 200
PUBLIC_COUNT = 120  # 60 %
ORCID_COUNT = 80


def build_people() -> list[PersonSpec]:
    """The 200 fictional people plus the researcher and student accounts' entries, always the
    same list (for a given Faker version). No database access."""
    rng = random.Random(SEED)
    fakers = {"clara": Faker("fr_FR"), "oncopole": Faker("fr_CA")}
    for fake in fakers.values():
        fake.seed_instance(SEED)
    institutions = {spec.key: spec for spec in INSTITUTIONS}
    taken: set[str] = set()

    # Who is where: a leader and five members per team, then one clinician per hospital.
    slots: list[tuple[str, int | None, str]] = []  # (institution key, team index, stage)
    for index, team in enumerate(TEAMS):
        slots.append((team.institution, index,
                      rng.choices([_S.ESTABLISHED, _S.CLINICIAN], weights=[7, 3])[0]))
        slots.append((team.institution, index,
                      rng.choice([_S.EARLY, _S.ESTABLISHED, _S.CLINICIAN])))
        slots.append((team.institution, index, rng.choice([_S.EARLY, _S.POSTDOC])))
        for _student in range(3):
            slots.append((team.institution, index,
                          rng.choices([_S.DOCTORAL, _S.MASTERS], weights=[2, 1])[0]))
    slots.extend((key, None, _S.CLINICIAN) for key in _UNTEAMED_AT)
    public = set(rng.sample(range(PEOPLE_COUNT), PUBLIC_COUNT))
    with_orcid = set(rng.sample(range(PEOPLE_COUNT), ORCID_COUNT))
    visiting = set(rng.sample([i for i, s in enumerate(slots)
                               if s[2] in (_S.EARLY, _S.ESTABLISHED, _S.POSTDOC)], 16))

    people: list[PersonSpec] = []
    leaders: set[int] = set()
    for number, (inst_key, team_index, stage) in enumerate(slots, start=1):
        i = number - 1
        inst = institutions[inst_key]
        side = inst.pole
        feminine = rng.random() < 0.5
        given, family = _draw_name(fakers[side], feminine, taken)
        team = TEAMS[team_index] if team_index is not None else None
        if team is not None:
            themes = list(team.themes)
        else:
            themes = rng.sample(AGREEMENT_THEMES, rng.randint(1, 2))
        if rng.random() < 0.3:
            extra = rng.choice(PRIORITIES)
            if extra not in themes:
                themes.append(extra)
        focus = [pair for pair in CANCER_TYPES if team and pair[1] == team.cancer]
        pairs = focus or [rng.choice(CANCER_TYPES)]
        pool = [pair for code in themes for pair in KEYWORDS.get(code, [])]
        pairs += rng.sample(pool, min(len(pool), rng.randint(1, 3)))
        keywords: list[str] = []
        for pair in pairs:
            keywords += [word for word in pair if word not in keywords]
        languages = _languages(rng, side)
        start = _start_date(rng, stage)
        position = POSITIONS[(side, stage)][feminine]
        affiliations = [AffiliationSpec(inst_key, team_index, position, start)]
        if stage in (_S.ESTABLISHED, _S.CLINICIAN):
            second = institutions[_SECOND_APPOINTMENT[inst_key]]
            titles = SECOND_POSITIONS[(side, _U if second.type == _U else _H)]
            affiliations.append(AffiliationSpec(second.key, None, titles[feminine],
                                                _start_date(rng, stage)))
        if i in visiting:
            other = rng.choice([s for s in INSTITUTIONS if s.pole != side and s.type != _H])
            ended = start - dt.timedelta(days=rng.randint(30, 200))
            began = ended - dt.timedelta(days=rng.randint(180, 700))
            affiliations.append(AffiliationSpec(other.key, None, VISITING_POSITION[feminine],
                                                began, ended))
        leads = team_index if team_index is not None and team_index not in leaders else None
        if leads is not None:
            leaders.add(leads)
        is_public = i in public
        bio_fr = bio_en = ""
        if is_public:
            topic_fr = ", ".join(p[0] for p in pairs)
            topic_en = ", ".join(p[1] for p in pairs)
            where_fr = f"Membre de l'é{team.name_fr[1:]}, " if team else ""
            where_en = f"Member of the {team.name_en}, " if team else ""
            bio_fr = f"{where_fr}{inst.name_fr}. Recherche\u00a0: {topic_fr}."
            bio_en = f"{where_en}{inst.name_en}. Research: {topic_en}."
        people.append(PersonSpec(
            email=f"personne.{number:03d}@{DEMO_DOMAIN}", given_name=given, family_name=family,
            career_stage=stage, themes=themes, keywords=keywords, languages=languages,
            public_profile=is_public, show_email=is_public and rng.random() < 0.3,
            orcid=demo_orcid(number) if i in with_orcid else None, bio_fr=bio_fr,
            bio_en=bio_en, affiliations=affiliations, leads_team=leads,
        ))
    assert len(people) == PEOPLE_COUNT, "a change to TEAMS must keep 200 people"
    return people + _account_people()


def _account_people() -> list[PersonSpec]:
    """Directory entries of the demo accounts: staff have no affiliation; the researcher and
    the student belong to a team, so their pages show something."""
    people = {a.email: PersonSpec(email=a.email, given_name=a.first_name,
                                  family_name=a.last_name, career_stage=_S.STAFF, themes=[],
                                  keywords=[], languages=["fr", "en"], account=a.email)
              for a in ACCOUNTS}
    goodman = next(i for i, t in enumerate(TEAMS) if t.institution == "goodman")
    researcher = people[f"researcher@{DEMO_DOMAIN}"]
    researcher.career_stage = _S.ESTABLISHED
    researcher.themes = [_GEN, "research"]
    researcher.keywords = ["métabolisme du cancer", "cancer metabolism", "cancer du sein",
                           "breast cancer"]
    researcher.languages = ["en", "fr"]
    researcher.public_profile = True
    researcher.orcid = demo_orcid(901)
    researcher.bio_fr = ("Compte de démonstration\u00a0: chercheur·se de l'équipe Métabolisme "
                         "du cancer (Institut du cancer Rosalind & Morris Goodman).")
    researcher.bio_en = ("Demo account: researcher in the Cancer metabolism team (Rosalind & "
                         "Morris Goodman Cancer Institute).")
    researcher.affiliations = [AffiliationSpec("goodman", goodman, "Chercheur·se principal·e",
                                               dt.date(2015, 9, 1))]
    lymphoma = next(i for i, t in enumerate(TEAMS) if t.cancer == "lymphoma")
    student = people[f"student@{DEMO_DOMAIN}"]
    student.career_stage = _S.DOCTORAL
    student.themes = [_CELL]
    student.keywords = ["lymphome", "lymphoma", "lymphocytes CAR-T", "CAR-T cells"]
    student.affiliations = [AffiliationSpec(TEAMS[lymphoma].institution, lymphoma,
                                            "Doctorant·e", dt.date(2023, 10, 1))]
    return list(people.values())


def _draw_name(fake: Faker, feminine: bool, taken: set[str]) -> tuple[str, str]:
    for _attempt in range(1000):
        given = fake.first_name_female() if feminine else fake.first_name_male()
        family = fake.last_name()
        key = _fold(f"{given} {family}")
        if key in taken or key in _BLOCKED_FULL or _fold(family) in _BLOCKED_FAMILY:
            continue
        taken.add(key)
        return given, family
    raise RuntimeError("Faker ran out of distinct names")  # pragma: no cover


def _languages(rng: random.Random, side: str) -> list[str]:
    draw = rng.random()
    if draw < 0.1:
        return ["fr"]
    if draw < 0.2:
        return ["fr", "en", rng.choice(["es", "it", "de", "pt"] if side == "clara"
                                       else ["es", "pt", "ar", "zh"])]
    return ["fr", "en"]


def _start_date(rng: random.Random, stage: str) -> dt.date:
    first, last = _START_YEARS[stage]
    year = rng.randint(first, last)
    if stage in (_S.DOCTORAL, _S.MASTERS):
        return dt.date(year, rng.choice([9, 10]), 1)
    return dt.date(year, rng.randint(1, 12), 1)


# --- Loading ------------------------------------------------------------------------------------

@dataclass
class DemoReport:
    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(DEMO_MODELS, 0))
    logins: list[DemoLogin] = field(default_factory=demo_logins)

    @property
    def total_created(self) -> int:
        return sum(self.created.values())


@transaction.atomic
def seed_demo(*, stdout: TextIO | None = None) -> DemoReport:
    """Load the demo partnership; rows that already exist are left exactly as they are.

    One audit entry records the row counts before and after when anything was created.
    """
    report = DemoReport()
    before = {name: model.objects.count() for name, model in DEMO_MODELS.items()}
    poles = _load_poles(report)
    themes = _load_themes(report)
    institutions = _load_institutions(report, poles)
    teams, new_teams = _load_teams(report, institutions, themes)
    users = _load_accounts(report, poles)
    _load_people(report, build_people(), institutions, teams, new_teams, themes, users)
    if stdout is not None:
        for name, model in DEMO_MODELS.items():
            stdout.write(_("%(things)s: %(count)d") % {
                "things": model._meta.verbose_name_plural, "count": report.created[name]} + "\n")
    if report.total_created:
        changes = {name: [before[name], model.objects.count()]
                   for name, model in DEMO_MODELS.items() if report.created[name]}
        audit.record(actor=None, action="demo.seed", obj=None, label="seed_demo",
                     changes=changes)
    return report


def _get_or_create(report: DemoReport, name: str, model: type[models.Model], lookup: dict,
                   defaults: dict) -> tuple[models.Model, bool]:
    """Like get_or_create, but the oldest match wins if someone has since made duplicates."""
    obj = model.objects.filter(**lookup).order_by("pk").first()
    if obj is not None:
        return obj, False
    obj = model.objects.create(**lookup, **defaults)
    report.created[name] += 1
    return obj, True


def _load_poles(report: DemoReport) -> dict[str, Pole]:
    poles = {}
    for spec in POLES:
        fields = dict(spec)
        code = fields.pop("code")
        poles[code], _created = _get_or_create(report, "poles", Pole, {"code": code}, fields)
    return poles


def _load_themes(report: DemoReport) -> dict[str, Theme]:
    themes = {}
    for position, (code, kind, name_fr, name_en, desc_fr, desc_en) in enumerate(THEMES, 1):
        themes[code], _created = _get_or_create(report, "themes", Theme, {"code": code}, {
            "kind": kind, "name_fr": name_fr, "name_en": name_en, "description_fr": desc_fr,
            "description_en": desc_en, "position": position})
    return themes


def _load_institutions(report: DemoReport, poles: dict[str, Pole]) -> dict[str, Institution]:
    institutions, new = {}, []
    for spec in INSTITUTIONS:
        region = "Québec" if spec.pole == "oncopole" else "Auvergne-Rhône-Alpes"
        values = {"name_fr": spec.name_fr, "name_en": spec.name_en, "acronym": spec.acronym,
                  "aliases": list(spec.aliases), "type": spec.type, "city": spec.city,
                  "region": region, "country": "CA" if spec.pole == "oncopole" else "FR",
                  "pole": poles[spec.pole]}
        if spec.ror_id:
            lookup = {"ror_id": spec.ror_id}
        else:
            lookup = {"name_fr": values.pop("name_fr"), "country": values.pop("country")}
        institutions[spec.key], created = _get_or_create(
            report, "institutions", Institution, lookup, values)
        if created:
            new.append(spec)
    for spec in new:
        if spec.parents:
            institutions[spec.key].parents.add(*(institutions[k] for k in spec.parents))
    return institutions


def _load_teams(report: DemoReport, institutions: dict[str, Institution],
                themes: dict[str, Theme]) -> tuple[list[Team], set[int]]:
    teams, new = [], set()
    for index, spec in enumerate(TEAMS):
        team, created = _get_or_create(
            report, "teams", Team,
            {"institution": institutions[spec.institution], "name_fr": spec.name_fr},
            {"name_en": spec.name_en})
        if created:
            team.themes.set([themes[code] for code in spec.themes])
            new.add(index)
        teams.append(team)
    return teams, new


def _load_accounts(report: DemoReport, poles: dict[str, Pole]) -> dict[str, User]:
    users: dict[str, User] = {}
    password_hash = ""
    for account in ACCOUNTS:
        user = User.objects.filter(email=account.email).first()
        if user is None:
            # One hash for all five: hashing is slow on purpose and the password is public.
            password_hash = password_hash or make_password(DEMO_PASSWORD)
            user = User.objects.create(
                email=account.email, password=password_hash, first_name=account.first_name,
                last_name=account.last_name, role=account.role,
                pole=poles[account.pole] if account.pole else None, language=account.language,
                time_zone=account.time_zone, is_staff=account.superuser,
                is_superuser=account.superuser)
            report.created["users"] += 1
        users[account.email] = user
        _get_or_create(report, "email_addresses", EmailAddress,
                       {"user": user, "email": account.email},
                       {"verified": True, "primary": True})
        if account.totp_secret:
            _get_or_create(report, "authenticators", Authenticator,
                           {"user": user, "type": Authenticator.Type.TOTP},
                           {"data": {"secret": encrypt(account.totp_secret)}})
    return users


def _load_people(report: DemoReport, specs: list[PersonSpec],
                 institutions: dict[str, Institution], teams: list[Team], new_teams: set[int],
                 themes: dict[str, Theme], users: dict[str, User]) -> None:
    """People in a few bulk queries: a row-by-row load is most of seed_demo's time."""
    people = {p.email: p for p in  # the oldest row wins if someone has made duplicates
              Person.objects.filter(email__in=[s.email for s in specs]).order_by("-pk")}
    linked = set(Person.objects.filter(user__in=users.values()).values_list("user", flat=True))
    new_specs = [spec for spec in specs if spec.email not in people]
    created = Person.objects.bulk_create([
        Person(user=user if (user := users.get(spec.account)) and user.pk not in linked else None,
               given_name=spec.given_name, family_name=spec.family_name, email=spec.email,
               orcid=spec.orcid, career_stage=spec.career_stage, keywords=spec.keywords,
               languages=spec.languages, bio_fr=spec.bio_fr, bio_en=spec.bio_en,
               public_profile=spec.public_profile, show_email=spec.show_email)
        for spec in new_specs])
    report.created["people"] += len(created)
    people.update((person.email, person) for person in created)
    through = Person.themes.through
    through.objects.bulk_create([
        through(person_id=people[spec.email].pk, theme_id=themes[code].pk)
        for spec in new_specs for code in spec.themes])

    have = set(Affiliation.objects.filter(person__in=list(people.values()))
               .values_list("person", "institution", "team"))
    affiliations = []
    for spec in specs:
        person = people[spec.email]
        for aff in spec.affiliations:
            institution = institutions[aff.institution]
            team = teams[aff.team] if aff.team is not None else None
            key = (person.pk, institution.pk, team.pk if team else None)
            if key not in have:
                have.add(key)
                affiliations.append(Affiliation(
                    person=person, institution=institution, team=team, position=aff.position,
                    start_date=aff.start_date, end_date=aff.end_date))
    report.created["affiliations"] += len(Affiliation.objects.bulk_create(affiliations))

    led = []
    for spec in specs:
        if spec.leads_team is not None and spec.leads_team in new_teams:
            teams[spec.leads_team].leader = people[spec.email]
            led.append(teams[spec.leads_team])
    Team.objects.bulk_update(led, ["leader"])
