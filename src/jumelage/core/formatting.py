"""Dates, times, numbers and money formatted for fr-FR, fr-CA and English, through Babel.

The Babel locale follows the interface language and, for French, the display time zone: a
person who displays America/* time reads Québec conventions (fr_CA), everyone else France's.
"""

import datetime as dt
import zoneinfo
from decimal import Decimal

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from babel.numbers import format_currency, format_decimal
from django.utils import timezone
from django.utils.translation import get_language

# Typography of the partnership's glossary: "14 h 00" in France, "14 h" in Québec,
# "2:00 pm" in English.
_NBSP = "\xa0"


def babel_locale(*, language: str | None = None, time_zone: str | None = None) -> str:
    lang = (language or get_language() or "fr")[:2]
    tz_name = time_zone or timezone.get_current_timezone_name()
    if lang == "fr":
        return "fr_CA" if tz_name.startswith("America/") else "fr_FR"
    return "en_CA" if tz_name.startswith("America/") else "en_GB"


def format_money(amount: Decimal | int | float, currency: str, *, locale: str | None = None,
                 both_currencies: bool = False) -> str:
    """Format an amount in its currency.

    With `both_currencies`, the symbol is one that cannot be confused with another currency
    ("$CA", "CA$"), as needed wherever euros and Canadian dollars stand together.
    """
    locale = locale or babel_locale()
    if both_currencies and currency == "CAD" and locale.startswith("fr"):
        locale = "fr_FR"  # fr_FR marks the Canadian dollar as "$CA"
    elif both_currencies and currency == "CAD" and locale.startswith("en"):
        locale = "en_GB"  # "CA$"
    return format_currency(Decimal(str(amount)), currency, locale=locale)


def format_number(value, *, locale: str | None = None) -> str:
    return format_decimal(value, locale=locale or babel_locale())


def format_date(value: dt.date | dt.datetime, *, locale: str | None = None,
                time_zone: str | None = None) -> str:
    """Long date: "8 mars 2018", "8 March 2018"."""
    if isinstance(value, dt.datetime):
        value = value.astimezone(_zone(time_zone)).date()
    locale = locale or babel_locale(time_zone=time_zone)
    pattern = "d MMMM y" if not locale.startswith("en_CA") else "MMMM d, y"
    return babel_format_date(value, pattern, locale=locale)


def format_time(value: dt.datetime, *, locale: str | None = None,
                time_zone: str | None = None) -> str:
    """Time of day in the glossary's typography."""
    local = value.astimezone(_zone(time_zone))
    locale = locale or babel_locale(time_zone=time_zone)
    if locale == "fr_CA":
        pattern = "H' h'" if local.minute == 0 else "H' h 'mm"
    elif locale.startswith("fr"):
        pattern = "H' h 'mm"
    else:
        # One English style on both sides of the Atlantic: "2:00 pm".
        return babel_format_time(local, "h:mm a", locale="en_GB").lower()
    return babel_format_time(local, pattern, locale=locale).replace(" ", _NBSP)


def format_datetime(value: dt.datetime, *, locale: str | None = None,
                    time_zone: str | None = None) -> str:
    """"8 mars 2018 à 14 h 00", "8 March 2018, 2:00 pm"."""
    locale = locale or babel_locale(time_zone=time_zone)
    date_part = format_date(value, locale=locale, time_zone=time_zone)
    time_part = format_time(value, locale=locale, time_zone=time_zone)
    if locale.startswith("fr"):
        return f"{date_part} à {time_part}"
    return f"{date_part}, {time_part}"


def _zone(name: str | None) -> dt.tzinfo:
    return zoneinfo.ZoneInfo(name) if name else timezone.get_current_timezone()


def language_name(code: str, *, locale: str | None = None) -> str:
    """The name of a language in the interface language: "fr" -> "français" / "French"."""
    loc = Locale.parse(locale or babel_locale())
    return loc.languages.get(code, code)
