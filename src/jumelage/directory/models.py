"""The partnership's network: poles, institutions, teams, people and themes."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jumelage.core.i18n import Localized
from jumelage.directory.validators import validate_orcid, validate_ror


class UnicodeJSONEncoder(DjangoJSONEncoder):
    """Keep accents as written so that text search on JSON columns sees "Montréal"."""

    def __init__(self, *args, **kwargs):
        kwargs["ensure_ascii"] = False
        super().__init__(*args, **kwargs)


class Pole(models.Model):
    """A regional research cluster that is party to the partnership (CLARA, Oncopole, ...)."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=40)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 code"))
    region_code = models.CharField(_("region code"), max_length=10,
                                   help_text=_("Such as ARA or QC."))
    region_fr = models.CharField(_("region (French)"), max_length=100)
    region_en = models.CharField(_("region (English)"), max_length=100)
    currency = models.CharField(_("currency"), max_length=3, help_text=_("ISO 4217 code"))
    time_zone = models.CharField(_("time zone"), max_length=64)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    website = models.URLField(_("website"), blank=True)

    name = Localized("name")
    region = Localized("region")
    description = Localized("description")

    class Meta:
        verbose_name = _("pole")
        verbose_name_plural = _("poles")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.short_name


class Theme(models.Model):
    """A theme of the agreement or a cross-cutting priority."""

    class Kind(models.TextChoices):
        THEME = "theme", _("Theme of the agreement")
        PRIORITY = "priority", _("Cross-cutting priority")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.THEME)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    position = models.PositiveSmallIntegerField(_("display order"), default=0)

    name = Localized("name")
    description = Localized("description")

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["kind", "position", "code"]

    def __str__(self) -> str:
        return self.name


class Institution(models.Model):
    class Type(models.TextChoices):
        UNIVERSITY = "university", _("University")
        HOSPITAL = "hospital", _("Hospital")
        CANCER_CENTRE = "cancer_centre", _("Cancer centre")
        RESEARCH_INSTITUTE = "research_institute", _("Research institute")
        COMPANY = "company", _("Company")
        OTHER = "other", _("Other")

    name_fr = models.CharField(_("name (French)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    aliases = models.JSONField(_("other names"), default=list, blank=True,
                               encoder=UnicodeJSONEncoder)
    type = models.CharField(_("type"), max_length=20, choices=Type, default=Type.OTHER)
    city = models.CharField(_("city"), max_length=120, blank=True)
    region = models.CharField(_("region"), max_length=120, blank=True)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 code"))
    ror_id = models.CharField(_("ROR id"), max_length=9, unique=True, null=True, blank=True,
                              validators=[validate_ror])
    parents = models.ManyToManyField(
        "self", verbose_name=_("parent institutions"), symmetrical=False, blank=True,
        related_name="children",
        help_text=_("Institutions this one is part of, as in ROR: a research centre of a "
                    "university and a hospital has both as parents."))
    pole = models.ForeignKey(Pole, verbose_name=_("member of pole"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="institutions")
    website = models.URLField(_("website"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    name = Localized("name")

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["name_fr"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:institution", args=[self.pk])

    @property
    def ror_url(self) -> str:
        return f"https://ror.org/{self.ror_id}" if self.ror_id else ""


class Team(models.Model):
    name_fr = models.CharField(_("name (French)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    institution = models.ForeignKey(Institution, verbose_name=_("institution"),
                                    on_delete=models.PROTECT, related_name="teams")
    leader = models.ForeignKey("Person", verbose_name=_("team leader"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="led_teams")
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True,
                                    related_name="teams")
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    website = models.URLField(_("website"), blank=True)

    name = Localized("name")
    description = Localized("description")

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name_fr"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:team", args=[self.pk])


class Person(models.Model):
    """A researcher, student or staff member of the network. Private unless they consent."""

    class CareerStage(models.TextChoices):
        MASTERS = "masters", _("Master's student")
        DOCTORAL = "doctoral", _("Doctoral student")
        POSTDOC = "postdoc", _("Postdoctoral fellow")
        EARLY = "early_career", _("Early-career researcher")
        ESTABLISHED = "established", _("Established researcher")
        CLINICIAN = "clinician", _("Clinician-researcher")
        STAFF = "staff", _("Research or programme staff")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("account"), null=True,
                                blank=True, on_delete=models.SET_NULL, related_name="person")
    given_name = models.CharField(_("given name"), max_length=150)
    family_name = models.CharField(_("family name"), max_length=150)
    email = models.EmailField(_("email"), blank=True)
    orcid = models.CharField(_("ORCID iD"), max_length=19, unique=True, null=True, blank=True,
                             validators=[validate_orcid])
    career_stage = models.CharField(_("career stage"), max_length=20, choices=CareerStage,
                                    blank=True)
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True,
                                    related_name="people")
    keywords = models.JSONField(_("keywords"), default=list, blank=True,
                                encoder=UnicodeJSONEncoder)
    languages = models.JSONField(_("languages spoken"), default=list, blank=True,
                                 help_text=_("ISO 639-1 codes, such as fr and en."))
    bio_fr = models.TextField(_("biography (French)"), blank=True)
    bio_en = models.TextField(_("biography (English)"), blank=True)
    public_profile = models.BooleanField(
        _("public profile"), default=False,
        help_text=_("I agree that my name, affiliations, themes, keywords, career stage, "
                    "languages and ORCID iD are shown to everyone."))
    show_email = models.BooleanField(_("show my email address on my public profile"),
                                     default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    bio = Localized("bio")

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["family_name", "given_name"]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("directory:person", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class Affiliation(models.Model):
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE,
                               related_name="affiliations")
    institution = models.ForeignKey(Institution, verbose_name=_("institution"),
                                    on_delete=models.PROTECT, related_name="affiliations")
    team = models.ForeignKey(Team, verbose_name=_("team"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="affiliations")
    position = models.CharField(_("job title"), max_length=150, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)

    class Meta:
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        ordering = ["-start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="affiliation_dates_ordered",
                violation_error_message=_("An affiliation cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.institution}"

    @property
    def is_current(self) -> bool:
        from django.utils import timezone

        return self.end_date is None or self.end_date >= timezone.localdate()
