"""ORCID iDs and ROR ids: checksums, accepted forms and the messages people read."""

from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.core.exceptions import ValidationError
from django.utils import translation

import jumelage
from jumelage.directory.identifiers import (
    normalize_orcid,
    normalize_ror,
    orcid_checksum,
    ror_checksum,
)
from jumelage.directory.validators import validate_orcid, validate_ror

ORCID_MESSAGE = (
    "“{}” is not a valid ORCID iD. An ORCID iD has 16 characters in four groups, such as "
    "0000-0002-1825-0097, and its last character is a check digit (0–9 or X); please copy it "
    "from your ORCID record.")
ROR_MESSAGE = (
    "“{}” is not a valid ROR id. A ROR id is 9 characters, a 0 followed by six letters or "
    "digits and a two-digit checksum, such as 0161xgx34 or https://ror.org/0161xgx34.")
NBSP = "\u00a0"
ORCID_MESSAGE_FR = (
    f"«{NBSP}{{}}{NBSP}» n’est pas un identifiant ORCID valide. Un identifiant ORCID compte 16 "
    "caractères en quatre groupes, comme 0000-0002-1825-0097, et son dernier caractère est un "
    f"chiffre de contrôle (0–9 ou X){NBSP}; copiez-le depuis votre fiche ORCID.")
ROR_MESSAGE_FR = (
    f"«{NBSP}{{}}{NBSP}» n’est pas un identifiant ROR valide. Un identifiant ROR compte 9 "
    f"caractères{NBSP}: un 0 suivi de six lettres ou chiffres et d’une somme de contrôle à deux "
    "chiffres, comme 0161xgx34 ou https://ror.org/0161xgx34.")


@pytest.fixture
def french(settings, tmp_path):
    """French from the project's catalogue, compiled here: the .mo is a build artefact."""
    source = Path(jumelage.__file__).parent / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    target = tmp_path / "fr" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with source.open("rb") as po, (target / "django.mo").open("wb") as mo:
        write_mo(mo, read_po(po, locale="fr"))
    settings.LOCALE_PATHS = [tmp_path]
    with translation.override("fr"):
        yield


def _message(validator, value) -> str:
    with pytest.raises(ValidationError) as excinfo:
        validator(value)
    [message] = excinfo.value.messages
    return message


@pytest.mark.parametrize(("base", "check"), [
    ("000000021825009", "7"), ("000000021694233", "X")])
def test_orcid_checksum_is_iso_7064_mod_11_2(base, check):
    assert orcid_checksum(base) == check


@pytest.mark.parametrize("value", ["0000-0002-1825-0097", "0000-0002-1694-233X"])
def test_normalize_orcid_accepts_valid_ids(value):
    assert normalize_orcid(value) == value


@pytest.mark.parametrize(("value", "expected"), [
    ("https://orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097"),
    ("http://orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097"),
    ("orcid.org/0000-0002-1694-233x", "0000-0002-1694-233X"),
    ("000000021694233x", "0000-0002-1694-233X"),
    (" 0000-0002-1825-0097 ", "0000-0002-1825-0097"),
])
def test_normalize_orcid_normalises_urls_case_spacing_and_dashes(value, expected):
    assert normalize_orcid(value) == expected


@pytest.mark.parametrize("value", [
    "0000-0002-1825-0098",  # wrong check digit
    "0000-0002-1825-009",  # too short
    "0000-0002-1825-00977",  # too long
    "https://example.org/0000-0002-1825-0097",  # another site
    "0000-0002-1825-009Y",
    "",
])
def test_normalize_orcid_rejects_invalid_ids(value):
    assert normalize_orcid(value) is None


def test_ror_checksum_is_iso_7064_mod_97_10():
    assert ror_checksum("161xgx") == "34"


@pytest.mark.parametrize(("value", "expected"), [
    ("0161xgx34", "0161xgx34"),
    ("https://ror.org/0161xgx34", "0161xgx34"),
    ("http://ror.org/0161xgx34", "0161xgx34"),
    ("ror.org/0161xgx34", "0161xgx34"),
    (" HTTPS://ROR.ORG/0161XGX34 ", "0161xgx34"),
    ("02feahw73", "02feahw73"),
])
def test_normalize_ror_accepts_and_normalises_valid_ids(value, expected):
    assert normalize_ror(value) == expected


@pytest.mark.parametrize("value", [
    "0161xgx35",  # wrong checksum
    "0161xgx3",  # too short
    "1161xgx34",  # must start with 0
    "0161ugx34",  # u is not a Crockford base32 digit
    "https://example.org/0161xgx34",
    "",
])
def test_normalize_ror_rejects_invalid_ids(value):
    assert normalize_ror(value) is None


@pytest.mark.parametrize("value", [
    "0000-0002-1825-0097", "0000-0002-1694-233X", "https://orcid.org/0000-0002-1825-0097", ""])
def test_validate_orcid_accepts_valid_ids(value):
    assert validate_orcid(value) is None


def test_validate_orcid_message_names_the_value_in_english():
    with translation.override("en"):
        message = _message(validate_orcid, "0000-0002-1825-0098")

    assert message == ORCID_MESSAGE.format("0000-0002-1825-0098")


def test_validate_orcid_error_code_is_invalid_orcid():
    with pytest.raises(ValidationError) as excinfo:
        validate_orcid("0000-0002-1825-0098")

    assert [e.code for e in excinfo.value.error_list] == ["invalid_orcid"]


def test_validate_orcid_message_names_the_value_in_french(french):
    message = _message(validate_orcid, "0000-0002-1825-0098")

    assert message == ORCID_MESSAGE_FR.format("0000-0002-1825-0098")


@pytest.mark.parametrize("value", ["0161xgx34", "https://ror.org/0161xgx34", ""])
def test_validate_ror_accepts_valid_ids(value):
    assert validate_ror(value) is None


def test_validate_ror_message_names_the_value_in_english():
    with translation.override("en"):
        message = _message(validate_ror, "0161xgx35")

    assert message == ROR_MESSAGE.format("0161xgx35")


def test_validate_ror_error_code_is_invalid_ror():
    with pytest.raises(ValidationError) as excinfo:
        validate_ror("0161xgx35")

    assert [e.code for e in excinfo.value.error_list] == ["invalid_ror"]


def test_validate_ror_message_names_the_value_in_french(french):
    message = _message(validate_ror, "https://ror.org/0161xgx35")

    assert message == ROR_MESSAGE_FR.format("https://ror.org/0161xgx35")
