from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jumelage.directory.identifiers import normalize_orcid, normalize_ror


def validate_orcid(value: str) -> None:
    if value and normalize_orcid(value) is None:
        raise ValidationError(
            _("“%(value)s” is not a valid ORCID iD. An ORCID iD has 16 characters in four "
              "groups, such as 0000-0002-1825-0097, and its last character is a check digit "
              "(0–9 or X); please copy it from your ORCID record."),
            code="invalid_orcid", params={"value": value},
        )


def validate_ror(value: str) -> None:
    if value and normalize_ror(value) is None:
        raise ValidationError(
            _("“%(value)s” is not a valid ROR id. A ROR id is 9 characters, a 0 followed by "
              "six letters or digits and a two-digit checksum, such as 0161xgx34 or "
              "https://ror.org/0161xgx34."),
            code="invalid_ror", params={"value": value},
        )
