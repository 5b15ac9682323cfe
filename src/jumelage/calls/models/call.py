"""Joint calls for proposals: one call, one envelope per funding pole in its own currency,
published only when the staff of every funding pole have approved it (two keys)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jumelage.core.i18n import Localized


class DocumentKind(models.TextChoices):
    """The PDF documents an application can carry; a call says which are required."""

    PROPOSAL = "proposal", _("project description")
    CV = "cv", _("CVs of the leads")
    SUPPORT = "support", _("letters of support")
    BUDGET = "budget", _("budget justification")
    LETTER_OF_INTENT = "loi", _("letter of intent")
    OTHER = "other", _("other document")


def _default_documents() -> list[str]:
    return [DocumentKind.PROPOSAL, DocumentKind.CV]


def _default_positions() -> list[str]:
    return ["early_career", "established", "clinician"]


class Call(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        REVIEW = "review", _("in review")
        PANEL = "panel", _("panel")
        DECIDED = "decided", _("decided")
        FOLLOW_UP = "follow_up", _("follow-up of the awards")

    title_fr = models.CharField(_("title (French)"), max_length=255)
    title_en = models.CharField(_("title (English)"), max_length=255)
    summary_fr = models.TextField(_("summary (French)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    description_fr = models.TextField(_("full text of the call (French)"), blank=True)
    description_en = models.TextField(_("full text of the call (English)"), blank=True)
    themes = models.ManyToManyField("directory.Theme", verbose_name=_("themes"), blank=True,
                                    related_name="calls")
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    two_stage = models.BooleanField(
        _("two stages"), default=False,
        help_text=_("A letter of intent first, then a full proposal by invitation."))
    intent_closes_at = models.DateTimeField(
        _("letters of intent close"), null=True, blank=True,
        help_text=_("Two-stage calls only: the deadline of the letters of intent."))
    min_duration_months = models.PositiveSmallIntegerField(
        _("shortest project (months)"), default=12, validators=[MinValueValidator(1)])
    max_duration_months = models.PositiveSmallIntegerField(
        _("longest project (months)"), default=36, validators=[MinValueValidator(1)])
    eligible_positions = models.JSONField(
        _("positions eligible to lead a side"), default=_default_positions, blank=True,
        help_text=_("Career stages of the directory a side's lead must hold."))
    third_country_allowed = models.BooleanField(
        _("collaborators from outside both poles allowed (unfunded)"), default=True)
    required_documents = models.JSONField(_("required documents"),
                                          default=_default_documents, blank=True)
    abstract_word_limit = models.PositiveIntegerField(_("abstract word limit"), default=300)
    description_word_limit = models.PositiveIntegerField(
        _("project description word limit"), default=3000)
    max_attachment_mb = models.PositiveSmallIntegerField(
        _("largest attachment (MB)"), default=10,
        validators=[MinValueValidator(1), MaxValueValidator(100)])
    score_min = models.PositiveSmallIntegerField(_("lowest score"), default=1)
    score_max = models.PositiveSmallIntegerField(_("highest score"), default=5)
    disagreement_threshold = models.DecimalField(
        _("disagreement threshold"), max_digits=4, decimal_places=2, default=Decimal("1.50"),
        help_text=_("Reviewers disagree when their weighted scores differ by more than this."))
    consolidation_currency = models.CharField(
        _("currency of consolidated views"), max_length=3, default="EUR",
        help_text=_("ISO 4217 code; each envelope gives its rate to this currency."))
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published on"), null=True, blank=True)
    reviewers_per_application = models.PositiveSmallIntegerField(
        _("reviewers per application"), default=3, validators=[MinValueValidator(1)])
    max_reviewer_load = models.PositiveSmallIntegerField(
        _("maximum applications per reviewer"), default=8, validators=[MinValueValidator(1)])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("joint call")
        verbose_name_plural = _("joint calls")
        ordering = ["-opens_at", "-pk"]
        constraints = [models.CheckConstraint(
            condition=models.Q(closes_at__gt=models.F("opens_at")),
            name="calls_call_closes_after_it_opens",
            violation_error_message=_("The call must close after it opens: give a closing "
                                      "time later than the opening time.")),
            models.CheckConstraint(
                condition=models.Q(max_duration_months__gte=models.F("min_duration_months")),
                name="calls_call_duration_range",
                violation_error_message=_("The longest project must last at least as long as "
                                          "the shortest one.")),
            models.CheckConstraint(
                condition=models.Q(score_max__gt=models.F("score_min")),
                name="calls_call_score_scale",
                violation_error_message=_("The highest score must be above the lowest score.")),
        ]

    # Who manages the call's review exercise on the matching pages (jumelage.matching.rules).
    review_manager_permission = "calls.manage_call"

    title = Localized("title")
    summary = Localized("summary")
    description = Localized("description")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("calls:detail", args=[self.pk])


class Envelope(models.Model):
    """What one funding pole puts into a call, in its own currency."""

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.CASCADE,
                             related_name="envelopes")
    pole = models.ForeignKey("directory.Pole", verbose_name=_("funding pole"),
                             on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("envelope"), max_digits=12, decimal_places=2,
                                 validators=[MinValueValidator(0)])
    max_request = models.DecimalField(_("maximum request per project side"), max_digits=12,
                                      decimal_places=2, validators=[MinValueValidator(0)])
    exchange_rate = models.DecimalField(
        _("exchange rate"), max_digits=12, decimal_places=6, default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.000001"))],
        help_text=_("Units of the call's consolidation currency for one unit of this "
                    "envelope's currency, fixed for the call."))

    class Meta:
        verbose_name = _("envelope")
        verbose_name_plural = _("envelopes")
        ordering = ["call", "pole__code"]
        constraints = [
            models.UniqueConstraint(fields=["call", "pole"], name="calls_envelope_one_per_pole"),
            models.CheckConstraint(condition=models.Q(max_request__lte=models.F("amount")),
                                   name="calls_envelope_request_within_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.call} – {self.pole}"

    @property
    def currency(self) -> str:
        return self.pole.currency


class Criterion(models.Model):
    """An evaluation criterion, scored on the call's scale and weighted in the ranking."""

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.CASCADE,
                             related_name="criteria")
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description_fr = models.TextField(_("guidance (French)"), blank=True)
    description_en = models.TextField(_("guidance (English)"), blank=True)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    name = Localized("name")
    description = Localized("description")

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["call", "position", "pk"]

    def __str__(self) -> str:
        return self.name


class CallApproval(models.Model):
    """One funding pole's key: its staff approved the call as it stands."""

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.CASCADE,
                             related_name="approvals")
    pole = models.ForeignKey("directory.Pole", verbose_name=_("pole"),
                             on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"),
                                    null=True, on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(_("approved on"), auto_now_add=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        constraints = [models.UniqueConstraint(fields=["call", "pole"],
                                               name="calls_approval_one_per_pole")]

    def __str__(self) -> str:
        return f"{self.call} – {self.pole}"
