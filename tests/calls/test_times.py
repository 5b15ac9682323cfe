"""An instant shown in Paris and Montréal time side by side: each city says its own date, and
daylight-saving changes (which do not fall on the same day on both sides) are respected."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

from jumelage.calls.templatetags.calls_tags import both_times

NBSP = "\xa0"
# Last minute of the world's call: 23:59 in Paris (CEST), 17:59 in Montréal (EDT), 31 March.
CLOSING = dt.datetime(2027, 3, 31, 21, 59, tzinfo=dt.UTC)
# New Year's morning in Paris (CET) is still New Year's Eve in Montréal (EST).
NEW_YEAR = dt.datetime(2027, 1, 1, 4, 30, tzinfo=dt.UTC)
# Between the North American (14 March) and European (28 March) clock changes: 5 hours apart.
BETWEEN_CHANGES = dt.datetime(2027, 3, 20, 12, 0, tzinfo=dt.UTC)
SUMMER = dt.datetime(2027, 7, 1, 7, 0, tzinfo=dt.UTC)


def span(paris_iso, paris, montreal_iso, montreal):
    return (
        f'<span class="both-times"><time datetime="{paris_iso}">{paris} (Paris)</time> · '
        f'<time datetime="{montreal_iso}">{montreal} (Montréal)</time></span>'
    )


def test_closing_in_english():
    assert both_times(CLOSING) == span(
        "2027-03-31T23:59+02:00",
        "31 March 2027, 11:59 pm",
        "2027-03-31T17:59-04:00",
        "March 31, 2027, 5:59 pm",
    )


def test_closing_in_french():
    with translation.override("fr"):
        assert both_times(CLOSING) == span(
            "2027-03-31T23:59+02:00",
            f"31 mars 2027 à 23{NBSP}h{NBSP}59",
            "2027-03-31T17:59-04:00",
            f"31 mars 2027 à 17{NBSP}h{NBSP}59",
        )


def test_each_city_says_its_own_date_across_midnight_in_english():
    assert both_times(NEW_YEAR) == span(
        "2027-01-01T05:30+01:00",
        "1 January 2027, 5:30 am",
        "2026-12-31T23:30-05:00",
        "December 31, 2026, 11:30 pm",
    )


def test_each_city_says_its_own_date_across_midnight_in_french():
    with translation.override("fr"):
        assert both_times(NEW_YEAR) == span(
            "2027-01-01T05:30+01:00",
            f"1 janvier 2027 à 5{NBSP}h{NBSP}30",
            "2026-12-31T23:30-05:00",
            f"31 décembre 2026 à 23{NBSP}h{NBSP}30",
        )


def test_between_the_two_clock_changes_the_cities_are_five_hours_apart():
    with translation.override("fr"):
        assert both_times(BETWEEN_CHANGES) == span(
            "2027-03-20T13:00+01:00",
            f"20 mars 2027 à 13{NBSP}h{NBSP}00",
            "2027-03-20T08:00-04:00",
            f"20 mars 2027 à 8{NBSP}h",
        )


def test_summer_time_uses_each_locale_style():
    """France writes "9 h 00", Québec "3 h" on the hour."""
    with translation.override("fr"):
        assert both_times(SUMMER) == span(
            "2027-07-01T09:00+02:00",
            f"1 juillet 2027 à 9{NBSP}h{NBSP}00",
            "2027-07-01T03:00-04:00",
            f"1 juillet 2027 à 3{NBSP}h",
        )


def test_the_time_zones_of_the_call_poles_are_used(world):
    world.quebec.time_zone = "America/Vancouver"
    world.quebec.save()
    call = type(world.call).objects.get(pk=world.call.pk)
    assert both_times(CLOSING, call) == (
        '<span class="both-times"><time datetime="2027-03-31T23:59+02:00">31 March 2027, '
        '11:59 pm (Paris)</time> · <time datetime="2027-03-31T14:59-07:00">March 31, 2027, '
        "2:59 pm (Oncopole)</time></span>"
    )


def test_the_filter_in_a_template_is_not_escaped():
    html = Template("{% load calls_tags %}{{ when|both_times }}").render(Context({"when": SUMMER}))
    assert html == span(
        "2027-07-01T09:00+02:00",
        "1 July 2027, 9:00 am",
        "2027-07-01T03:00-04:00",
        "July 1, 2027, 3:00 am",
    )


def test_no_instant_shows_nothing():
    assert both_times(None) == ""


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError):
        both_times(dt.datetime(2027, 3, 31, 21, 59))
