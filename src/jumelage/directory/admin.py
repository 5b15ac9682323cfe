from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from jumelage.directory.identifiers import normalize_ror
from jumelage.directory.models import Affiliation, Institution, Person, Pole, Team, Theme
from jumelage.directory.validators import validate_ror


class DirectoryAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class InstitutionForm(forms.ModelForm):
    """Accepts a ROR id in any of its written forms and stores the bare id."""

    ror_id = forms.CharField(label=_("ROR id"), max_length=60, required=False,
                             validators=[validate_ror])
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Institution
        fields = ["name_fr", "name_en", "acronym", "aliases", "type", "city", "region",
                  "country", "ror_id", "parents", "pole", "website", "active"]

    def clean_ror_id(self) -> str | None:
        value = self.cleaned_data["ror_id"]
        return normalize_ror(value) if value else None


@admin.register(Pole)
class PoleAdmin(DirectoryAdmin):
    list_display = ["code", "short_name", "country", "region_code", "currency", "time_zone"]


@admin.register(Theme)
class ThemeAdmin(DirectoryAdmin):
    list_display = ["code", "kind", "name_fr", "name_en", "position"]
    list_filter = ["kind"]


@admin.register(Institution)
class InstitutionAdmin(DirectoryAdmin):
    form = InstitutionForm
    list_display = ["name_fr", "acronym", "type", "city", "country", "pole", "ror_id"]
    list_filter = ["type", "country", "pole"]
    search_fields = ["name_fr", "name_en", "acronym", "ror_id"]
    raw_id_fields = ["parents"]


@admin.register(Team)
class TeamAdmin(DirectoryAdmin):
    list_display = ["name_fr", "acronym", "institution"]
    search_fields = ["name_fr", "name_en", "acronym"]
    raw_id_fields = ["institution", "leader"]


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    raw_id_fields = ["institution", "team"]
    extra = 0


@admin.register(Person)
class PersonAdmin(DirectoryAdmin):
    list_display = ["family_name", "given_name", "orcid", "career_stage", "public_profile"]
    list_filter = ["career_stage", "public_profile"]
    search_fields = ["family_name", "given_name", "orcid", "email"]
    raw_id_fields = ["user"]
    inlines = [AffiliationInline]
