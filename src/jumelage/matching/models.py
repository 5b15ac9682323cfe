"""Review exercises: the items a pool of reviewers reviews, and who reviews what.

A joint call's applications, a symposium's abstracts or a mobility round's applications are
each a `ReviewExercise`: the call or event owns it (generic relation) and keeps its items in
step; the matching engine proposes the assignment, staff adjust it by hand, every change is
audited. Conflicts of interest are computed by the engine from the directory and the
observatory; the ones reviewers declare themselves are stored here.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# Conflict rules an exercise can switch on or off (the codes of engine/conflicts.py RULES).
CONFLICT_RULES = (
    ("same_institution", _("same institution")),
    ("institution_hierarchy", _("institutions of one hierarchy (a hospital and its university)")),
    ("same_team", _("same team")),
    ("named_on_proposal", _("named on the item")),
    ("coauthorship", _("co-authorship in recent years")),
    ("self_declared", _("declared by the reviewer")),
)
ALL_CONFLICT_RULES = [code for code, _label in CONFLICT_RULES]


def _all_rules() -> list[str]:
    return list(ALL_CONFLICT_RULES)


class ReviewExercise(models.Model):
    class Kind(models.TextChoices):
        CALL = "call", _("joint call")
        MOBILITY = "mobility", _("mobility grants")
        SYMPOSIUM = "symposium", _("symposium")
        OTHER = "other", _("other")

    class Balance(models.TextChoices):
        NONE = "none", _("no balance constraint")
        EACH_POLE = "each_pole", _("at least one reviewer from each pole")
        OUTSIDE = "outside", _("at least one reviewer from outside both poles")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.OTHER)
    title = models.CharField(_("title"), max_length=255)
    pole = models.ForeignKey("directory.Pole", verbose_name=_("managed by pole"), null=True,
                             blank=True, on_delete=models.PROTECT, related_name="+",
                             help_text=_("Empty: managed by the staff of both poles."))
    content_type = models.ForeignKey(ContentType, null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    owner = GenericForeignKey("content_type", "object_id")
    reviewers_per_item = models.PositiveSmallIntegerField(
        _("reviewers per item"), default=3, validators=[MinValueValidator(1),
                                                         MaxValueValidator(20)])
    max_load = models.PositiveSmallIntegerField(
        _("maximum items per reviewer"), default=8, validators=[MinValueValidator(1)])
    min_load = models.PositiveSmallIntegerField(_("minimum items per reviewer"), default=0)
    balance = models.CharField(_("balance between the poles"), max_length=20, choices=Balance,
                               default=Balance.NONE)
    fair = models.BooleanField(
        _("fairness mode"), default=False,
        help_text=_("Raise the worst-served item's total affinity first, at a small cost in "
                    "total affinity."))
    conflict_rules = models.JSONField(_("conflict rules"), default=_all_rules, blank=True)
    coauthorship_years = models.PositiveSmallIntegerField(
        _("co-authorship window (years)"), default=3, validators=[MaxValueValidator(50)])
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("review exercise")
        verbose_name_plural = _("review exercises")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(min_load__lte=models.F("max_load")),
                                   name="matching_exercise_min_load_within_max"),
        ]

    def __str__(self) -> str:
        return self.title


class ReviewItem(models.Model):
    """An application or abstract to review, with what conflicts are computed from."""

    exercise = models.ForeignKey(ReviewExercise, verbose_name=_("review exercise"),
                                 on_delete=models.CASCADE, related_name="items")
    reference = models.CharField(_("reference"), max_length=64)
    title = models.CharField(_("title"), max_length=500)
    text = models.TextField(_("text"), blank=True,
                            help_text=_("Abstract or summary, in French or English."))
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    themes = models.ManyToManyField("directory.Theme", verbose_name=_("themes"), blank=True,
                                    related_name="+")
    people = models.ManyToManyField("directory.Person", verbose_name=_("people named"),
                                    blank=True, related_name="+")
    teams = models.ManyToManyField("directory.Team", verbose_name=_("teams"), blank=True,
                                   related_name="+")
    institutions = models.ManyToManyField("directory.Institution",
                                          verbose_name=_("institutions"), blank=True,
                                          related_name="+")
    content_type = models.ForeignKey(ContentType, null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("content_type", "object_id")

    class Meta:
        verbose_name = _("item to review")
        verbose_name_plural = _("items to review")
        ordering = ["exercise", "reference"]
        constraints = [models.UniqueConstraint(fields=["exercise", "reference"],
                                               name="matching_item_reference_unique")]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class PoolMember(models.Model):
    """A reviewer of an exercise's pool (from either pole, or an external expert)."""

    exercise = models.ForeignKey(ReviewExercise, verbose_name=_("review exercise"),
                                 on_delete=models.CASCADE, related_name="pool")
    person = models.ForeignKey("directory.Person", verbose_name=_("reviewer"),
                               on_delete=models.CASCADE, related_name="review_pools")
    max_load = models.PositiveSmallIntegerField(
        _("maximum items"), null=True, blank=True,
        help_text=_("Empty: the exercise's maximum."))
    active = models.BooleanField(_("available"), default=True)

    class Meta:
        verbose_name = _("pool member")
        verbose_name_plural = _("pool members")
        ordering = ["exercise", "person__family_name", "person__given_name"]
        constraints = [models.UniqueConstraint(fields=["exercise", "person"],
                                               name="matching_pool_person_unique")]

    def __str__(self) -> str:
        return str(self.person)


class DeclaredConflict(models.Model):
    """A conflict of interest a reviewer (or staff for them) declared on one item."""

    item = models.ForeignKey(ReviewItem, verbose_name=_("item"), on_delete=models.CASCADE,
                             related_name="declared_conflicts")
    person = models.ForeignKey("directory.Person", verbose_name=_("reviewer"),
                               on_delete=models.CASCADE, related_name="declared_conflicts")
    reason = models.TextField(_("reason"))
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("declared by"),
                                    null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("declared on"), auto_now_add=True)

    class Meta:
        verbose_name = _("declared conflict of interest")
        verbose_name_plural = _("declared conflicts of interest")
        constraints = [models.UniqueConstraint(fields=["item", "person"],
                                               name="matching_declared_conflict_unique")]

    def __str__(self) -> str:
        return f"{self.person} / {self.item.reference}"


class Assignment(models.Model):
    """A reviewer assigned to an item, by the solver or by hand."""

    class Origin(models.TextChoices):
        SOLVER = "solver", _("proposed by the solver")
        MANUAL = "manual", _("assigned by hand")

    item = models.ForeignKey(ReviewItem, verbose_name=_("item"), on_delete=models.CASCADE,
                             related_name="assignments")
    reviewer = models.ForeignKey("directory.Person", verbose_name=_("reviewer"),
                                 on_delete=models.PROTECT, related_name="review_assignments")
    origin = models.CharField(_("origin"), max_length=10, choices=Origin)
    score = models.FloatField(_("affinity"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("assigned on"), auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["item", "reviewer__family_name"]
        constraints = [models.UniqueConstraint(fields=["item", "reviewer"],
                                               name="matching_assignment_unique")]

    def __str__(self) -> str:
        return f"{self.item.reference}: {self.reviewer}"
