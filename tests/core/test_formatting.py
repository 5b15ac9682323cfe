import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from jumelage.core.formatting import (
    babel_locale,
    format_date,
    format_datetime,
    format_money,
    format_time,
)

NNBSP, NBSP = "\u202f", "\xa0"
SIGNING = dt.datetime(2018, 3, 8, 13, 0, tzinfo=dt.UTC)  # 14:00 in Paris, 8:00 in Montréal


@pytest.mark.parametrize(("language", "tz", "expected"), [
    ("fr", "Europe/Paris", "fr_FR"),
    ("fr", "America/Toronto", "fr_CA"),
    ("en", "Europe/Paris", "en_GB"),
    ("en", "America/Toronto", "en_CA"),
])
def test_babel_locale_follows_language_and_display_zone(language, tz, expected):
    assert babel_locale(language=language, time_zone=tz) == expected


def test_format_datetime_france_uses_h_with_minutes():
    assert format_datetime(SIGNING, locale="fr_FR", time_zone="Europe/Paris") == (
        f"8 mars 2018 à 14{NBSP}h{NBSP}00")


def test_format_datetime_quebec_drops_zero_minutes():
    assert format_datetime(SIGNING, locale="fr_CA", time_zone="America/Toronto") == (
        f"8 mars 2018 à 8{NBSP}h")


def test_format_time_quebec_keeps_nonzero_minutes():
    value = dt.datetime(2018, 3, 8, 18, 30, tzinfo=dt.UTC)
    assert format_time(value, locale="fr_CA", time_zone="America/Toronto") == f"13{NBSP}h{NBSP}30"


def test_format_datetime_english_uses_twelve_hour_clock():
    assert format_datetime(SIGNING, locale="en_GB", time_zone="Europe/Paris") == (
        "8 March 2018, 2:00 pm")
    assert format_datetime(SIGNING, locale="en_CA", time_zone="America/Toronto") == (
        "March 8, 2018, 8:00 am")


def test_format_date_crosses_midnight_in_display_zone():
    late = dt.datetime(2018, 3, 9, 2, 30, tzinfo=dt.UTC)  # 9 March in Paris, 8 March in Montréal
    assert format_date(late, locale="fr_FR", time_zone="Europe/Paris") == "9 mars 2018"
    assert format_date(late, locale="fr_CA", time_zone="America/Toronto") == "8 mars 2018"


def test_format_time_follows_daylight_saving_change():
    # Europe moves to summer time on 25 March 2018, North America on 11 March 2018.
    before = dt.datetime(2018, 3, 10, 12, 0, tzinfo=dt.UTC)
    after = dt.datetime(2018, 3, 12, 12, 0, tzinfo=dt.UTC)
    assert format_time(before, locale="fr_CA", time_zone="America/Toronto") == f"7{NBSP}h"
    assert format_time(after, locale="fr_CA", time_zone="America/Toronto") == f"8{NBSP}h"


@pytest.mark.parametrize(("currency", "locale", "expected"), [
    ("EUR", "fr_FR", f"1{NNBSP}234,50{NBSP}€"),
    ("CAD", "fr_CA", f"1{NBSP}234,50{NBSP}$"),
    ("EUR", "en_GB", "€1,234.50"),
    ("CAD", "en_CA", "$1,234.50"),
])
def test_format_money_in_its_own_locale(currency, locale, expected):
    assert format_money(Decimal("1234.50"), currency, locale=locale) == expected


@pytest.mark.parametrize(("locale", "expected"), [
    ("fr_CA", f"1{NNBSP}234,50{NBSP}$CA"),
    ("fr_FR", f"1{NNBSP}234,50{NBSP}$CA"),
    ("en_CA", "CA$1,234.50"),
])
def test_format_money_marks_the_canadian_dollar_beside_euros(locale, expected):
    assert format_money(Decimal("1234.50"), "CAD", locale=locale, both_currencies=True) == expected


def test_babel_locale_defaults_to_active_language():
    with translation.override("en"):
        assert babel_locale(time_zone="Europe/Paris") == "en_GB"
    with translation.override("fr"):
        assert babel_locale(time_zone="America/Toronto") == "fr_CA"
