"""Joint calls for proposals: one call, one envelope per funding pole in its own currency,
published only when the staff of every funding pole have approved it (two keys)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Call(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    title_fr = models.CharField(_("title (French)"), max_length=255)
    title_en = models.CharField(_("title (English)"), max_length=255)
    summary_fr = models.TextField(_("summary (French)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    themes = models.ManyToManyField("directory.Theme", verbose_name=_("themes"), blank=True,
                                    related_name="calls")
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
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
                                      "time later than the opening time."))]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.title_fr if (get_language() or "fr").startswith("fr") else self.title_en


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
