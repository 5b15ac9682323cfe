import subprocess
import sys
from pathlib import Path

from jumelage.matching.engine.text import (
    analyse,
    analyse_with_forms,
    detect_language,
    fold,
    stem,
    stem_english,
    stem_french,
    words,
)

REPO = Path(__file__).resolve().parents[3]


def test_engine_imports_no_django():
    code = ("import sys; import jumelage.matching.engine.text, jumelage.matching.engine.profiles, "
            "jumelage.matching.engine.affinity, jumelage.matching.engine.recommend, "
            "jumelage.matching.engine.conflicts; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=REPO)
    assert result.stdout == "[]\n"


def test_fold_agrees_with_core_text():
    from jumelage.core.text import fold as core_fold

    samples = ["Thérapie CELLULAIRE", "CŒUR", "l’Université", "Ægir", ""]
    assert [fold(s) for s in samples] == [core_fold(s) for s in samples]


def test_words_drop_elisions_and_punctuation():
    assert words("L’immunothérapie d'un CAR-T, qu'il soit…") == [
        "immunotherapie", "un", "car", "t", "il", "soit"]


def test_detect_language_french_english_and_unknown():
    assert detect_language("Les cellules CAR-T dans le traitement des lymphomes") == "fr"
    assert detect_language("The role of CAR-T cells in the treatment of lymphoma") == "en"
    assert detect_language("thérapie cellulaire; lymphome") == ""
    assert detect_language("") == ""


def test_detect_language_ignores_car_t_and_single_letters():
    # "car" and "t" would count as French stop words: CAR-T is no French.
    assert detect_language("CAR-T cell therapy for lymphoma. We treated patients with CAR-T "
                           "cells.") == "en"


def test_detect_language_tie_is_unknown():
    # three French-only and three English-only stop words
    assert detect_language("les des dans the of with") == ""


def test_stem_english_endings():
    assert [stem_english(w) for w in ("therapies", "therapy", "genomics", "clinical",
                                      "tumours", "sequencing", "lymphomas", "metastasis",
                                      "treated", "cells", "cancer", "brca1", "ras")] == [
        "therap", "therap", "genomic", "clinic", "tumor", "sequenc", "lymphom", "metastas",
        "treat", "cell", "cancer", "brca1", "ras"]


def test_stem_french_endings():
    assert [stem_french(w) for w in ("therapies", "therapie", "genomiques", "cellulaire",
                                     "tumeurs", "lymphomes", "hospitaux", "invasive", "qualite",
                                     "metastases", "cancer")] == [
        "therap", "therap", "genomic", "cellular", "tumor", "lymphom", "hospital", "invasiv",
        "qualit", "metastas", "cancer"]


def test_stem_leaves_words_of_four_letters_whole():
    assert [stem(w) for w in ("care", "cars", "sein", "cell")] == ["care", "cars", "sein", "cell"]


def test_stem_singular_of_four_letters_stays_whole():
    assert [stem_english(w) for w in ("nodes", "node", "cases", "case")] == [
        "node", "node", "case", "case"]
    assert [stem_french(w) for w in ("notes", "note", "voies")] == ["note", "note", "voie"]


def test_stem_unknown_language_keeps_the_shorter_stem():
    assert stem("therapie") == "therap"  # English leaves "therapi", French finds "ie"
    assert stem("therapy") == "therap"  # French leaves it whole
    assert stem("genomique") == "genomic"
    assert stem("tumour") == "tumor"


def test_analyse_french_and_english_meet_on_stems():
    french = analyse("La thérapie cellulaire des tumeurs solides chez l’enfant")
    english = analyse("Cellular therapy of solid tumours in children")
    assert french == ["therap", "cellular", "tumor", "solid", "enfant"]
    assert english == ["cellular", "therap", "solid", "tumor", "children"]


def test_analyse_drops_stop_words_numbers_and_short_tokens():
    # "phases" and "phase" both give "phas"
    assert analyse("The 2 phases of a trial in 2019 et les 3 bras", language="en") == [
        "phas", "trial", "bras"]
    assert analyse("phase", language="en") == ["phas"]


def test_analyse_with_forms_keeps_the_folded_word():
    assert list(analyse_with_forms("Génomique des cancers", language="fr")) == [
        ("genomic", "genomique"), ("cancer", "cancers")]
