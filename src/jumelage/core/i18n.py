"""Helpers for content stored in both French and English."""

from django.utils.translation import get_language

CONTENT_LANGUAGES = ("fr", "en")


def current_content_language() -> str:
    lang = (get_language() or "fr")[:2]
    return lang if lang in CONTENT_LANGUAGES else "fr"


class Localized:
    """A read-only attribute that returns `<name>_<lang>` for the active language.

    Falls back to the other language when the active one is empty, so that content typed in
    one language only is still shown.
    """

    def __init__(self, base: str):
        self.base = base

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        lang = current_content_language()
        order = [lang] + [code for code in CONTENT_LANGUAGES if code != lang]
        for code in order:
            value = getattr(instance, f"{self.base}_{code}", "")
            if value:
                return value
        return ""
