"""Fictional teams, and the words and positions demo people are given."""

from __future__ import annotations

from dataclasses import dataclass

from jumelage.directory.demo.institutions import _H, _U
from jumelage.directory.demo.partnership import _CARE, _CELL, _GEN
from jumelage.directory.models import Person

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
