"""The observatory's charts: Vega-Lite specs written with Altair, rendered to SVG on the server.

Each chart is embedded inline as one image for assistive technology: the root <svg> has
role="img" and aria-labelledby pointing at its own <title> and <desc>; Vega's per-mark ARIA
attributes are dropped, since a table of the same data stands beside every chart.
"""

import hashlib
import json
import re
from dataclasses import dataclass

import altair as alt
import vl_convert
from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from jumelage.core.formatting import babel_locale

ACCENT = "#0b4f8a"  # site.css --accent: 8.2:1 on white
INK = "#1a1a1a"
MUTED = "#4a4a4a"
LINE = "#c9d1db"
FONT = "system-ui, -apple-system, Segoe UI, Roboto, DejaVu Sans, sans-serif"
# d3-format locales vl-convert knows, by Babel locale.
FORMAT_LOCALES = {"fr_FR": "fr-FR", "fr_CA": "fr-CA", "en_CA": "en-CA", "en_GB": "en-GB"}
SVG_CACHE_SECONDS = 24 * 3600
NETWORK_PAIRS = 20  # the network draws the most frequent pairs; the table lists them all
LABEL_LIMIT = 260  # pixels; longer institution names are cut with an ellipsis

_INNER_ARIA = re.compile(r'\s(?:role|aria-[a-z]+)="[^"]*"')
_IDS = re.compile(r'\bid="([^"]+)"')


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    svg: SafeString


def _config() -> dict:
    return {
        "aria": False,
        "font": FONT,
        "view": {"stroke": None},
        "axis": {"labelColor": INK, "titleColor": INK, "labelFontSize": 12,
                 "titleFontSize": 12, "domainColor": MUTED, "tickColor": MUTED,
                 "gridColor": LINE},
        "title": {"color": INK, "fontSize": 14, "anchor": "start"},
    }


def render(chart: alt.TopLevelMixin, *, chart_id: str, title: str,
           description: str) -> Chart:
    """The chart as inline SVG with its title and description for screen readers."""
    spec = chart.to_dict()
    spec["config"] = _config()
    locale = FORMAT_LOCALES.get(babel_locale(), "en-GB")
    svg = _to_svg(spec, locale)
    svg = _accessible(svg, chart_id=chart_id, title=title, description=description)
    return Chart(id=chart_id, title=title, description=description, svg=mark_safe(svg))  # noqa: S308 - SVG from our own spec; text escaped


def _to_svg(spec: dict, locale: str) -> str:
    """Vega-Lite to SVG, remembered by spec: the same figures are not drawn twice."""
    key = "observatory:svg:" + hashlib.sha256(
        json.dumps([spec, locale], sort_keys=True, default=str).encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        svg = vl_convert.vegalite_to_svg(spec, format_locale=locale)
        cache.set(key, svg, SVG_CACHE_SECONDS)
    return svg


def _accessible(svg: str, *, chart_id: str, title: str, description: str) -> str:
    svg = _INNER_ARIA.sub("", svg)
    # Ids inside the SVG (clip paths, gradients) must stay unique on a page of several charts.
    for name in set(_IDS.findall(svg)):
        svg = svg.replace(f'id="{name}"', f'id="{chart_id}-{name}"')
        svg = svg.replace(f"url(#{name})", f"url(#{chart_id}-{name})")
    head_end = svg.index(">") + 1
    head = svg[:head_end]
    width = re.search(r'\swidth="([\d.]+)"', head)
    head = re.sub(r'\s(?:width|height)="[\d.]+"', "", head)
    style = f"max-width:{width.group(1)}px;width:100%;height:auto" if width else ""
    head = head[:-1] + (
        f' role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false"'
        f' style="{style}">')
    return (head + f'<title id="{chart_id}-title">{escape(title)}</title>'
            f'<desc id="{chart_id}-desc">{escape(description)}</desc>' + svg[head_end:])


def _count_axis(counts) -> alt.Axis:
    """Whole numbers only: a count of 1 is not drawn with a tick at 0.5."""
    top = max(counts, default=0)
    if top <= 5:
        return alt.Axis(format="d", values=list(range(top + 1)))
    return alt.Axis(format="d", tickMinStep=1)


def by_year(by_year: dict[str, int]) -> Chart:
    data = [{"year": year, "count": count} for year, count in by_year.items()]
    title = _("Co-publications per year")
    years = list(by_year)
    if years:
        description = _("Bar chart of the number of co-publications each year from "
                        "%(first)s to %(last)s; the table that follows gives the figures.") % {
            "first": years[0], "last": years[-1]}
    else:
        description = _("Bar chart of the number of co-publications each year: no "
                        "co-publication in this scope.")
    chart = alt.Chart(alt.Data(values=data), title=title).mark_bar(color=ACCENT).encode(
        x=alt.X("year:O", title=_("Year"), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("count:Q", title=_("Co-publications"), axis=_count_axis(by_year.values())),
    ).properties(width=max(240, 48 * len(data)), height=220)
    return render(chart, chart_id="chart-by-year", title=title, description=description)


def by_theme(rows: list[tuple[str, int]]) -> Chart:
    """`rows`: (theme name, count), most frequent first."""
    data = [{"theme": name, "count": count} for name, count in rows]
    title = _("Co-publications per theme")
    description = _("Horizontal bar chart of the number of co-publications in each theme, "
                    "most frequent first; a co-publication may have several themes or none. "
                    "The table that follows gives the figures.")
    chart = alt.Chart(alt.Data(values=data), title=title).mark_bar(color=ACCENT).encode(
        y=alt.Y("theme:N", title=None, sort=None, axis=alt.Axis(labelLimit=320)),
        x=alt.X("count:Q", title=_("Co-publications"),
                axis=_count_axis(count for _name, count in rows)),
    ).properties(width=360, height=max(40, 28 * len(data)))
    return render(chart, chart_id="chart-by-theme", title=title, description=description)


def network(pairs: list[dict], *, name_a, name_b, side_a: str, side_b: str) -> Chart:
    """Institutions of one side on the left, of the other on the right, a line per pair as
    thick as the pair's number of co-publications. `pairs`: [{a, b, count}], most first."""
    shown = pairs[:NETWORK_PAIRS]
    left = _ranked(shown, "a")
    right = _ranked(shown, "b")
    rows = max(len(left), len(right), 1)

    def spread(items):  # centre the shorter column against the longer one
        offset = (rows - len(items)) / 2
        return {key: offset + index for index, key in enumerate(items)}

    y_left, y_right = spread(left), spread(right)
    edges = [{"x": 0, "x2": 1, "y": y_left[p["a"]], "y2": y_right[p["b"]], "count": p["count"]}
             for p in shown]
    nodes = ([{"x": 0, "y": y, "label": name_a(key), "side": "a"} for key, y in y_left.items()]
             + [{"x": 1, "y": y, "label": name_b(key), "side": "b"}
                for key, y in y_right.items()])
    x = alt.X("x:Q", axis=None, scale=alt.Scale(domain=[0, 1]))
    y = alt.Y("y:Q", axis=None, scale=alt.Scale(domain=[rows - 0.5, -0.5]))
    lines = alt.Chart(alt.Data(values=edges)).mark_rule(color=ACCENT, opacity=0.7).encode(
        x=x, x2="x2:Q", y=y, y2="y2:Q",
        strokeWidth=alt.StrokeWidth("count:Q", legend=None, scale=alt.Scale(range=[1.5, 8])))
    dots = alt.Chart(alt.Data(values=nodes)).mark_circle(color=INK, size=60, opacity=1).encode(
        x=x, y=y)
    left_labels = alt.Chart(alt.Data(values=nodes)).transform_filter(
        alt.datum.side == "a").mark_text(align="right", dx=-8, color=INK, fontSize=12,
                                         limit=LABEL_LIMIT).encode(x=x, y=y, text="label:N")
    right_labels = alt.Chart(alt.Data(values=nodes)).transform_filter(
        alt.datum.side == "b").mark_text(align="left", dx=8, color=INK, fontSize=12,
                                         limit=LABEL_LIMIT).encode(x=x, y=y, text="label:N")
    title = _("Network of institution pairs")
    description = _(
        "Institutions in %(a)s on the left, in %(b)s on the right; a line joins two "
        "institutions that co-published, thicker for more co-publications. It shows the "
        "%(n)s most frequent pairs; the table that follows gives every pair.") % {
        "a": side_a, "b": side_b, "n": len(shown)}
    # Room for the labels, which Vega draws outside the plot: about 7.5 pixels a character.
    room = {side: min(LABEL_LIMIT + 16, 16 + 7.5 * max((len(n["label"]) for n in nodes
                                                 if n["side"] == side), default=0))
            for side in ("a", "b")}
    chart = alt.layer(lines, dots, left_labels, right_labels, title=title).properties(
        width=220, height=max(60, 30 * rows),
        padding={"left": room["a"], "right": room["b"], "top": 30, "bottom": 8},
        autosize=alt.AutoSizeParams(type="none"))
    return render(chart, chart_id="chart-network", title=title, description=description)


def _ranked(pairs: list[dict], key: str) -> list[str]:
    totals: dict[str, int] = {}
    for pair in pairs:
        totals[pair[key]] = totals.get(pair[key], 0) + pair["count"]
    return sorted(totals, key=lambda k: (-totals[k], k))
