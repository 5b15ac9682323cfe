"""Persistent identifiers of people and organisations: ORCID iDs and ROR ids.

Plain functions, no Django import: the observatory and the importers use them too.
"""

import re

ORCID_RE = re.compile(r"^(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])$")
ROR_RE = re.compile(r"^0[a-hj-km-np-tv-z0-9]{6}[0-9]{2}$")
_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


def orcid_checksum(base_digits: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 15 digits of an ORCID iD."""
    total = 0
    for ch in base_digits:
        total = (total + int(ch)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def normalize_orcid(value: str) -> str | None:
    """"https://orcid.org/0000-0002-1825-0097" -> "0000-0002-1825-0097"; None if not valid."""
    text = value.strip().upper()
    for prefix in ("HTTPS://ORCID.ORG/", "HTTP://ORCID.ORG/", "ORCID.ORG/"):
        if text.startswith(prefix):
            text = text[len(prefix):]
    match = ORCID_RE.match(text)
    if not match:
        return None
    digits = "".join(match.groups())
    if orcid_checksum(digits[:15]) != digits[15]:
        return None
    return "-".join(match.groups())


def ror_checksum(body: str) -> str:
    """ISO 7064 MOD 97-10 checksum of the six Crockford base32 characters after the leading 0."""
    number = 0
    for ch in body:
        number = number * 32 + _CROCKFORD.index(ch)
    return f"{98 - (number * 100) % 97:02d}"


def normalize_ror(value: str) -> str | None:
    """"https://ror.org/0161xgx34" -> "0161xgx34"; None if malformed or its checksum is wrong."""
    text = value.strip().lower()
    for prefix in ("https://ror.org/", "http://ror.org/", "ror.org/"):
        if text.startswith(prefix):
            text = text[len(prefix):]
    if not ROR_RE.match(text):
        return None
    if ror_checksum(text[1:7]) != text[7:]:
        return None
    return text
