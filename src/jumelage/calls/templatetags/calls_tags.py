"""Template helpers of joint calls: an instant shown in the time of both poles side by side.

`{{ instant|both_times }}` shows Paris and Montréal time; `{{ instant|both_times:call }}` shows
the time of each funding pole of the call (its `time_zone`), in pole order. Each side gives its
own date, so that an instant that falls on different days in the two cities reads right.
"""

import datetime as dt
import zoneinfo

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from jumelage.calls.zones import MONTREAL, PARIS
from jumelage.core import formatting

register = template.Library()


# The city people read for a pole's time zone ("Montréal" for Eastern time in Québec).
CITIES = {PARIS: "Paris", MONTREAL: "Montréal", "America/Montreal": "Montréal"}


def time_zones(call=None) -> list[tuple[str, str]]:
    """(zone, city) pairs: those of the call's funding poles, else Paris and Montréal."""
    zones: list[tuple[str, str]] = []
    if call is not None:
        envelopes = sorted(call.envelopes.all(), key=lambda e: e.pole.code)
        for envelope in envelopes:
            name = envelope.pole.time_zone
            if name and name not in [z for z, _c in zones]:
                zones.append((name, CITIES.get(name, envelope.pole.short_name)))
    if len(zones) < 2:
        zones = [(PARIS, CITIES[PARIS]), (MONTREAL, CITIES[MONTREAL])]
    return zones


def both_times_html(value: dt.datetime, call=None) -> str:
    if value is None:
        return ""
    if timezone_naive(value):
        raise ValueError("both_times needs an aware datetime")
    parts = []
    for name, city in time_zones(call):
        local = value.astimezone(zoneinfo.ZoneInfo(name))
        text = _("%(when)s (%(city)s)") % {
            "when": formatting.format_datetime(value, time_zone=name),
            "city": city,
        }
        parts.append((local.isoformat(timespec="minutes"), text))
    return format_html(
        '<span class="both-times">{}</span>',
        format_html_join(" · ", '<time datetime="{}">{}</time>', parts),
    )


def timezone_naive(value: dt.datetime) -> bool:
    return value.tzinfo is None or value.tzinfo.utcoffset(value) is None


@register.filter
def both_times(value, call=None):
    """An instant in the time of both poles, side by side, as safe HTML."""
    return both_times_html(value, call)
