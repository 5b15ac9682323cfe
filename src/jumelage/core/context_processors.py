from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language


def site(request):
    """The language switcher's links: the same page in each language, query string kept."""
    current = get_language()
    path = request.get_full_path()
    switch = []
    for code, name in settings.LANGUAGES:
        switch.append({"code": code, "name": {"fr": "Français", "en": "English"}.get(code, name),
                       "url": translate_url(path, code), "current": code == current})
    return {"language_switch": switch}
