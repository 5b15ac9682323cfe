from django.contrib import admin

from jumelage.directory.models import Affiliation, Institution, Person, Pole, Team, Theme


@admin.register(Pole)
class PoleAdmin(admin.ModelAdmin):
    list_display = ["code", "short_name", "country", "region_code", "currency", "time_zone"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "name_fr", "name_en", "position"]
    list_filter = ["kind"]


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name_fr", "acronym", "type", "city", "country", "pole", "ror_id"]
    list_filter = ["type", "country", "pole"]
    search_fields = ["name_fr", "name_en", "acronym", "ror_id"]
    raw_id_fields = ["parents"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name_fr", "acronym", "institution"]
    search_fields = ["name_fr", "name_en", "acronym"]
    raw_id_fields = ["institution", "leader"]


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    raw_id_fields = ["institution", "team"]
    extra = 0


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["family_name", "given_name", "orcid", "career_stage", "public_profile"]
    list_filter = ["career_stage", "public_profile"]
    search_fields = ["family_name", "given_name", "orcid", "email"]
    raw_id_fields = ["user"]
    inlines = [AffiliationInline]
