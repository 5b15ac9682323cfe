"""Reviews of applications, the panel's notes, funding scenarios and each pole's decision."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jumelage.calls.models.application import Application
from jumelage.calls.models.call import Call, Criterion


class Review(models.Model):
    """One reviewer's review of one application: a score per criterion, comments meant for the
    applicants and comments meant only for the panel. The assignment itself lives in the
    call's review exercise (jumelage.matching)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")

    application = models.ForeignKey(Application, verbose_name=_("application"),
                                    on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey("directory.Person", verbose_name=_("reviewer"),
                                 on_delete=models.PROTECT, related_name="call_reviews")
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    comments_for_applicants = models.TextField(_("comments for the applicants"), blank=True)
    confidential_comments = models.TextField(
        _("confidential comments for the panel"), blank=True,
        help_text=_("Never shown to the applicants."))
    submitted_at = models.DateTimeField(_("submitted on"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["application", "pk"]
        constraints = [models.UniqueConstraint(fields=["application", "reviewer"],
                                               name="calls_review_one_per_reviewer")]

    def __str__(self) -> str:
        return f"{self.application.reference} / {self.reviewer}"


class ReviewScore(models.Model):
    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.CASCADE,
                               related_name="scores")
    criterion = models.ForeignKey(Criterion, verbose_name=_("criterion"),
                                  on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [models.UniqueConstraint(fields=["review", "criterion"],
                                               name="calls_score_one_per_criterion")]

    def __str__(self) -> str:
        return f"{self.review} {self.criterion}: {self.score}"


class PanelNote(models.Model):
    application = models.ForeignKey(Application, verbose_name=_("application"),
                                    on_delete=models.CASCADE, related_name="panel_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True,
                               on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written on"), auto_now_add=True)

    class Meta:
        verbose_name = _("panel note")
        verbose_name_plural = _("panel notes")
        ordering = ["application", "created_at"]

    def __str__(self) -> str:
        return f"{self.application.reference}: {self.text[:40]}"


class FundingScenario(models.Model):
    """A funding recommendation computed for a call: the funding line down the ranking, or the
    optimal selection within every envelope at once (CP-SAT)."""

    class Method(models.TextChoices):
        LINE = "line", _("funding line down the ranking")
        OPTIMAL = "optimal", _("optimal selection within the envelopes")

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.CASCADE,
                             related_name="scenarios")
    method = models.CharField(_("method"), max_length=10, choices=Method)
    keep_rank_order = models.BooleanField(
        _("respect the rank order"), default=True,
        help_text=_("A project is funded only if every better-ranked project that fits is."))
    selected = models.JSONField(_("applications selected"), default=list)
    merit = models.DecimalField(_("total merit"), max_digits=12, decimal_places=4, default=0)
    spent = models.JSONField(_("spent per pole"), default=dict,
                             help_text=_("{pole code: amount in the pole's currency}"))
    proven_optimal = models.BooleanField(_("proven optimal"), default=False)
    adopted = models.BooleanField(_("adopted as the recommendation"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("computed by"),
                                   null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("computed on"), auto_now_add=True)

    class Meta:
        verbose_name = _("funding scenario")
        verbose_name_plural = _("funding scenarios")
        ordering = ["call", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.call} {self.method} {self.created_at:%Y-%m-%d}"


class Decision(models.Model):
    """One funding pole's decision on one application (two keys: a project is funded only when
    every pole funding one of its sides has decided to fund it)."""

    class Outcome(models.TextChoices):
        FUND = "fund", _("fund")
        DECLINE = "decline", _("do not fund")

    application = models.ForeignKey(Application, verbose_name=_("application"),
                                    on_delete=models.CASCADE, related_name="decisions")
    pole = models.ForeignKey("directory.Pole", verbose_name=_("pole"),
                             on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("decision"), max_length=10, choices=Outcome)
    note = models.TextField(_("note for the applicants"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"),
                                   null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided on"), auto_now=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["application", "pole__code"]
        constraints = [models.UniqueConstraint(fields=["application", "pole"],
                                               name="calls_decision_one_per_pole")]

    def __str__(self) -> str:
        return f"{self.application.reference} {self.pole.code}: {self.outcome}"
