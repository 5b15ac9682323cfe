from django import forms
from django.utils.translation import gettext_lazy as _

from jumelage.directory.identifiers import normalize_orcid
from jumelage.directory.models import Person, Pole, Theme
from jumelage.directory.validators import validate_orcid


class DirectorySearchForm(forms.Form):
    KINDS = [("people", _("People")), ("teams", _("Teams")), ("institutions", _("Institutions"))]

    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search"}))
    kind = forms.ChoiceField(label=_("Show"), choices=KINDS, required=False)
    pole = forms.ChoiceField(label=_("Pole"), required=False)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    # Bounded like the primary key: a larger number from a hand-edited link would overflow
    # SQLite's integers (a server error) instead of matching nothing.
    institution = forms.IntegerField(label=_("Institution"), required=False, min_value=1,
                                     max_value=2**63 - 1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pole"].choices = [("", _("All poles"))] + [
            (p.code, p.short_name) for p in Pole.objects.all()]
        self.fields["theme"].choices = [("", _("All themes"))] + [
            (t.code, t.name) for t in Theme.objects.all()]


class ProfileForm(forms.ModelForm):
    keywords = forms.CharField(
        label=_("Keywords"), required=False, max_length=1000,
        help_text=_("Separate keywords with commas, in French or English."))
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[("fr", _("French")), ("en", _("English")), ("es", _("Spanish")),
                 ("de", _("German")), ("it", _("Italian")), ("ar", _("Arabic")),
                 ("zh", _("Chinese"))])
    orcid = forms.CharField(label=_("ORCID iD"), required=False, max_length=40,
                            validators=[validate_orcid],
                            help_text=_("Such as 0000-0002-1825-0097."))
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"), queryset=Theme.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Person
        fields = ["given_name", "family_name", "orcid", "career_stage", "themes", "keywords",
                  "languages", "bio_fr", "bio_en", "public_profile", "show_email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["keywords"] = ", ".join(self.instance.keywords)

    def clean_orcid(self) -> str:
        value = self.cleaned_data["orcid"]
        return normalize_orcid(value) if value else ""

    def clean_keywords(self) -> list[str]:
        return [k.strip() for k in self.cleaned_data["keywords"].split(",") if k.strip()]

    def validate_unique(self):
        # The ORCID's uniqueness is checked against its normalised form.
        orcid = self.cleaned_data.get("orcid")
        if orcid and Person.objects.filter(orcid=orcid).exclude(pk=self.instance.pk).exists():
            self.add_error("orcid", _("The ORCID iD %(orcid)s is already on another profile. "
                                      "If it is yours, contact your pole's staff.")
                           % {"orcid": orcid})
