"""Awards of funded projects (one per side, in that side's currency, paid in instalments)
and the reports that follow them."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jumelage.calls.models.application import Application, BudgetCategory


class Award(models.Model):
    application = models.ForeignKey(Application, verbose_name=_("project"),
                                    on_delete=models.PROTECT, related_name="awards")
    pole = models.ForeignKey("directory.Pole", verbose_name=_("funding pole"),
                             on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount awarded"), max_digits=12, decimal_places=2,
                                 validators=[MinValueValidator(0)])
    currency = models.CharField(_("currency"), max_length=3)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["application", "pole__code"]
        constraints = [
            models.UniqueConstraint(fields=["application", "pole"],
                                    name="calls_award_one_per_side"),
            models.CheckConstraint(condition=models.Q(ends_on__gt=models.F("starts_on")),
                                   name="calls_award_ends_after_start",
                                   violation_error_message=_("An award must end after it "
                                                             "starts.")),
        ]

    def __str__(self) -> str:
        return f"{self.application.reference} {self.pole.code}"


class Instalment(models.Model):
    award = models.ForeignKey(Award, verbose_name=_("award"), on_delete=models.CASCADE,
                              related_name="instalments")
    due_on = models.DateField(_("due on"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2,
                                 validators=[MinValueValidator(0)])
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        ordering = ["award", "due_on"]

    def __str__(self) -> str:
        return f"{self.award} {self.due_on}"


class Report(models.Model):
    class Kind(models.TextChoices):
        ANNUAL = "annual", _("annual report")
        FINAL = "final", _("final report")

    class Status(models.TextChoices):
        DUE = "due", _("due")
        SUBMITTED = "submitted", _("submitted")
        ACCEPTED = "accepted", _("accepted")

    application = models.ForeignKey(Application, verbose_name=_("project"),
                                    on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DUE)
    narrative = models.TextField(_("narrative"), blank=True)
    publications = models.JSONField(_("publications (DOIs)"), default=list, blank=True)
    students_trained = models.PositiveSmallIntegerField(_("students trained"), default=0)
    mobilities = models.PositiveSmallIntegerField(_("mobilities between the poles"), default=0)
    submitted_at = models.DateTimeField(_("submitted on"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"),
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["application", "due_on"]
        constraints = [models.UniqueConstraint(fields=["application", "kind", "due_on"],
                                               name="calls_report_unique")]

    def __str__(self) -> str:
        return f"{self.application.reference} {self.kind} {self.due_on}"


class ReportSpending(models.Model):
    """Spending reported by one side in one budget category, in that side's currency."""

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE,
                               related_name="spending")
    pole = models.ForeignKey("directory.Pole", verbose_name=_("side (funding pole)"),
                             on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("category"), max_length=20, choices=BudgetCategory)
    amount = models.DecimalField(_("amount spent"), max_digits=12, decimal_places=2,
                                 validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("spending")
        verbose_name_plural = _("spending")
        constraints = [models.UniqueConstraint(fields=["report", "pole", "category"],
                                               name="calls_spending_unique")]

    def __str__(self) -> str:
        return f"{self.report} {self.pole.code} {self.category}"
