from django import template

from jumelage.core import formatting

register = template.Library()


@register.filter
def money(amount, currency):
    return "" if amount is None else formatting.format_money(amount, currency)


@register.filter
def long_date(value):
    return "" if value is None else formatting.format_date(value)


@register.filter
def long_datetime(value):
    return "" if value is None else formatting.format_datetime(value)


@register.filter
def language_name(code):
    return formatting.language_name(code)


@register.simple_tag
def page_url(base_query: str, number: int) -> str:
    return f"?{base_query}&page={number}" if base_query else f"?page={number}"
