import pytest
from django.db.models import Value

from jumelage.core.text import Fold, fold
from jumelage.directory.models import Theme

SAMPLES = {
    "Thérapie Cellulaire": "therapie cellulaire",
    "MONTRÉAL": "montreal",
    "Œsophage et cœur": "oesophage et coeur",
    "Hôpital de l’Université de Montréal": "hopital de l'universite de montreal",
    "Saint-Étienne": "saint-etienne",
    "Ångström": "angstrom",
}


@pytest.mark.parametrize(("text", "expected"), SAMPLES.items())
def test_fold_strips_accents_case_and_ligatures(text, expected):
    assert fold(text) == expected


@pytest.mark.django_db
def test_database_fold_equals_python_fold():
    """The same folding on SQLite (registered function) and PostgreSQL (unaccent)."""
    theme = Theme.objects.create(code="t", name_fr="x", name_en="y")
    folded = {
        text: Theme.objects.filter(pk=theme.pk).annotate(f=Fold(Value(text))).values_list(
            "f", flat=True).get()
        for text in SAMPLES
    }
    assert folded == SAMPLES
