"""The demo partnership's poles and themes (real, typed by hand)."""

from __future__ import annotations

from jumelage.directory.models import Theme

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
