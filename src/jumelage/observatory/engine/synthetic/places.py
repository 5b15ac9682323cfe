"""Real places the synthetic works are written over: foreign institutions, countries as
authors write them, streets, departments and postal codes."""


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


# First letters of postal codes by city (Canada) and département by city (France), used by
# bench/observatory/make_labelled.py too.
CA_FSA = {"Montreal": "H2", "Laval": "H7", "Québec": "G1", "Sherbrooke": "J1", "Gatineau": "J8",
          "Trois-Rivières": "G9", "Lévis": "G6", "Rimouski": "G5", "Toronto": "M5",
          "Ottawa": "K1", "Hamilton": "L8", "London": "N6", "Kingston": "K7", "Waterloo": "N2",
          "Vancouver": "V6", "Victoria": "V8", "Burnaby": "V5", "Calgary": "T2",
          "Edmonton": "T6", "Winnipeg": "R3", "Saskatoon": "S7", "Regina": "S4",
          "Halifax": "B3", "Fredericton": "E3", "Moncton": "E1", "St. John's": "A1"}
PROVINCES = {"Quebec": ("QC", "Québec"), "Ontario": ("ON", "Ontario"),
             "British Columbia": ("BC", "British Columbia"), "Alberta": ("AB", "Alberta"),
             "Manitoba": ("MB", "Manitoba"), "Saskatchewan": ("SK", "Saskatchewan"),
             "Nova Scotia": ("NS", "Nova Scotia"), "New Brunswick": ("NB", "New Brunswick"),
             "Newfoundland and Labrador": ("NL", "Newfoundland")}
FR_DEPT = {"Lyon": "69", "Villeurbanne": "69", "Bron": "69", "Écully": "69",
           "Pierre-Bénite": "69", "Grenoble": "38", "Saint-Martin-d'Hères": "38",
           "La Tronche": "38", "Meylan": "38", "Clermont-Ferrand": "63", "Aubière": "63",
           "Saint-Genès-Champanelle": "63", "Saint-Etienne": "42", "Saint-Étienne": "42",
           "Chambéry": "73", "Annecy": "74", "Valence": "26", "Paris": "75", "Villejuif": "94",
           "Créteil": "94", "Marseille": "13", "Aix-en-Provence": "13", "Toulouse": "31",
           "Montpellier": "34", "Bordeaux": "33", "Talence": "33", "Pessac": "33",
           "Lille": "59", "Villeneuve-d'Ascq": "59", "Strasbourg": "67", "Nantes": "44",
           "Rennes": "35", "Nice": "06", "Palaiseau": "91", "Gif-sur-Yvette": "91",
           "Orsay": "91", "Caen": "14", "Dijon": "21", "Nancy": "54", "Tours": "37",
           "Orléans": "45", "Poitiers": "86", "Limoges": "87", "Amiens": "80", "Reims": "51",
           "Rouen": "76", "Brest": "29", "Besançon": "25", "Avignon": "84", "Nanterre": "92"}

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

