"""The scope editor: which co-publications the observatory's pages count (a GET form)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from jumelage.observatory.engine.indicators import Scope

# The sides a scope may join: one in France, one in Canada. A region and its own country
# overlap (every Auvergne-Rhône-Alpes address is in France), so they are never paired.
SIDES = [("ARA", _("Auvergne-Rhône-Alpes")), ("QC", _("Québec")), ("FR", _("France")),
         ("CA", _("Canada"))]
SIDE_NAMES = dict(SIDES)
FRENCH_SIDES, CANADIAN_SIDES = ("ARA", "FR"), ("QC", "CA")
DEFAULT_SIDES = ("ARA", "QC")

# One label for each type of jumelage.observatory.engine.schema.DOC_TYPES, in its order.
DOC_TYPE_NAMES = {
    "article": pgettext_lazy("document type", "article"),
    "review": pgettext_lazy("document type", "review"),
    "letter": pgettext_lazy("document type", "letter"),
    "editorial": pgettext_lazy("document type", "editorial"),
    "conference-paper": pgettext_lazy("document type", "conference paper"),
    "book-chapter": pgettext_lazy("document type", "book chapter"),
    "book": pgettext_lazy("document type", "book"),
    "preprint": pgettext_lazy("document type", "preprint"),
    "erratum": pgettext_lazy("document type", "erratum"),
    "other": pgettext_lazy("document type", "other"),
}

FIRST_YEAR, LAST_YEAR = 1900, 2100
# The query parameters that make up a scope; any of them in a request binds the form.
SCOPE_PARAMETERS = ("sides", "since", "until", "types", "themes")
YEAR_INPUT = {"inputmode": "numeric", "size": 6, "maxlength": 4, "autocomplete": "off"}


class YearField(forms.CharField):
    """A year, with an error message that repeats what was typed."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        if not value.isascii() or not value.isdigit() or not (
                FIRST_YEAR <= int(value) <= LAST_YEAR):
            raise forms.ValidationError(
                _("“%(value)s” is not a year: enter a year between %(first)s and %(last)s, "
                  "such as 2019."),
                code="invalid", params={"value": value, "first": FIRST_YEAR, "last": LAST_YEAR})
        return int(value)


class CodesField(forms.MultipleChoiceField):
    """Codes from a list, with an error message that names the bad code and the good ones."""

    def validate(self, value):
        for code in value:
            if not self.valid_value(code):
                accepted = ", ".join(str(c) for c, _label in self.choices) or "-"
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice",
                    params={"value": code, "choices": accepted})


class ScopeForm(forms.Form):
    sides = CodesField(
        label=_("Sides"), choices=SIDES, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("One side in France (Auvergne-Rhône-Alpes or all of France) and one in "
                    "Canada (Québec or all of Canada)."),
        error_messages={"invalid_choice": _(
            "“%(value)s” is not a side: choose among ARA, QC, FR and CA.")})
    since = YearField(label=_("From year"), required=False,
                      widget=forms.TextInput(attrs=YEAR_INPUT))
    until = YearField(label=_("To year"), required=False,
                      widget=forms.TextInput(attrs=YEAR_INPUT))
    types = CodesField(
        label=_("Document types"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=list(DOC_TYPE_NAMES.items()),
        help_text=_("None ticked: every type."),
        error_messages={"invalid_choice": _(
            "“%(value)s” is not a document type: choose among %(choices)s.")})
    themes = CodesField(
        label=_("Themes"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every co-publication, whatever its theme."),
        error_messages={"invalid_choice": _(
            "“%(value)s” is not a theme of the observatory: choose among %(choices)s.")})

    def __init__(self, *args, theme_choices: list[tuple[str, str]] = (), **kwargs):
        kwargs.setdefault("initial", {"sides": list(DEFAULT_SIDES)})
        super().__init__(*args, **kwargs)
        self.fields["themes"].choices = list(theme_choices)

    def clean_sides(self) -> tuple[str, str]:
        chosen = self.cleaned_data["sides"]
        french = [code for code in FRENCH_SIDES if code in chosen]
        canadian = [code for code in CANADIAN_SIDES if code in chosen]
        if len(french) != 1 or len(canadian) != 1:
            names = ", ".join(str(SIDE_NAMES[code]) for code, _name in SIDES if code in chosen)
            raise forms.ValidationError(
                _("Choose one side in France (ARA or FR) and one in Canada (QC or CA); you "
                  "chose: %(chosen)s."),
                code="sides", params={"chosen": names or pgettext("sides chosen", "none")})
        return french[0], canadian[0]

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since is not None and until is not None and since > until:
            self.add_error("until", forms.ValidationError(
                _("The last year (%(until)s) is before the first year (%(since)s)."),
                code="order", params={"since": since, "until": until}))
        return data

    def scope(self) -> Scope:
        """The scope of a valid form."""
        data = self.cleaned_data
        return Scope(sides=data["sides"], since=data["since"], until=data["until"],
                     doc_types=tuple(code for code in DOC_TYPE_NAMES if code in data["types"]),
                     themes=tuple(sorted(data["themes"])))


def scope_query(scope: Scope) -> list[tuple[str, str]]:
    """The query parameters that select `scope` again (for links and exports)."""
    pairs = [("sides", code) for code in scope.sides]
    if scope.since is not None:
        pairs.append(("since", str(scope.since)))
    if scope.until is not None:
        pairs.append(("until", str(scope.until)))
    pairs += [("types", code) for code in scope.doc_types]
    pairs += [("themes", code) for code in scope.themes]
    return pairs
