import pytest

from jumelage.directory.admin import InstitutionForm

pytestmark = pytest.mark.django_db

BASE = {"name_fr": "Université de Montréal", "name_en": "University of Montreal",
        "acronym": "UdeM", "aliases": "[]", "type": "university", "city": "Montréal",
        "region": "Québec", "country": "CA", "website": "", "active": "on"}


def test_institution_form_stores_the_bare_ror_id_from_its_url():
    form = InstitutionForm(data={**BASE, "ror_id": "https://ror.org/0161xgx34"})
    assert form.is_valid(), form.errors
    assert form.save().ror_id == "0161xgx34"


def test_institution_form_rejects_a_ror_id_with_a_wrong_checksum():
    form = InstitutionForm(data={**BASE, "ror_id": "0161xgx35"})
    assert form.errors == {"ror_id": [
        "“0161xgx35” is not a valid ROR id. A ROR id is 9 characters, a 0 followed by six "
        "letters or digits and a two-digit checksum, such as 0161xgx34 or "
        "https://ror.org/0161xgx34."]}
