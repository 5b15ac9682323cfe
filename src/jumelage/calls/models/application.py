"""Applications to a joint call: a consortium with a lead per funding pole, a budget per side in
that side's currency, private PDF attachments, submission receipts and eligibility."""

import secrets

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jumelage.calls.models.call import Call, DocumentKind


class PrivateStorage(Storage):
    """Files that are never served by the web server, only by views that check permissions.

    Looks up `storages["private"]` on every use, so that a change of the STORAGES setting
    (another location in production, a fresh directory per test) applies at once."""

    @property
    def _backend(self) -> Storage:
        return storages["private"]

    def _open(self, name, mode="rb"):
        return self._backend._open(name, mode)

    def _save(self, name, content):
        return self._backend._save(name, content)

    def delete(self, name):
        return self._backend.delete(name)

    def exists(self, name):
        return self._backend.exists(name)

    def listdir(self, path):
        return self._backend.listdir(path)

    def size(self, name):
        return self._backend.size(name)

    def path(self, name):
        return self._backend.path(name)

    def url(self, name):
        raise NotImplementedError("private files have no public address")

    def get_available_name(self, name, max_length=None):
        return self._backend.get_available_name(name, max_length=max_length)


def private_storage() -> Storage:
    return PrivateStorage()


class Application(models.Model):
    class Stage(models.TextChoices):
        INTENT = "intent", _("letter of intent")
        FULL = "full", _("full proposal")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        WITHDRAWN = "withdrawn", _("withdrawn")

    class Eligibility(models.TextChoices):
        PENDING = "pending", _("not checked yet")
        ELIGIBLE = "eligible", _("eligible")
        INELIGIBLE = "ineligible", _("not eligible")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("no decision yet")
        FUNDED = "funded", _("funded")
        NOT_FUNDED = "not_funded", _("not funded")
        INVITED = "invited", _("invited to submit a full proposal")

    class Language(models.TextChoices):
        FR = "fr", _("French")
        EN = "en", _("English")

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.PROTECT,
                             related_name="applications")
    reference = models.CharField(_("reference"), max_length=32, unique=True)
    stage = models.CharField(_("stage"), max_length=10, choices=Stage, default=Stage.FULL)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.DRAFT)
    title = models.CharField(_("project title"), max_length=300, blank=True)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    language = models.CharField(_("language of the application"), max_length=2,
                                choices=Language, default=Language.FR)
    abstract = models.TextField(_("abstract"), blank=True)
    description = models.TextField(_("project description"), blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    themes = models.ManyToManyField("directory.Theme", verbose_name=_("themes"), blank=True,
                                    related_name="+")
    duration_months = models.PositiveSmallIntegerField(_("duration (months)"), null=True,
                                                       blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   on_delete=models.PROTECT, related_name="+")
    # Optimistic concurrency: every saved change of the draft increments it; a save that
    # started from an older version is refused rather than overwriting a co-applicant.
    version = models.PositiveIntegerField(_("version"), default=1)
    submitted_at = models.DateTimeField(_("submitted on"), null=True, blank=True)
    eligibility = models.CharField(_("eligibility"), max_length=12, choices=Eligibility,
                                   default=Eligibility.PENDING)
    eligibility_overridden = models.BooleanField(_("eligibility set by staff"), default=False)
    eligibility_justification = models.TextField(_("justification"), blank=True)
    eligibility_notified_at = models.DateTimeField(_("applicants told of eligibility"),
                                                   null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome,
                               default=Outcome.PENDING)
    outcome_released_at = models.DateTimeField(_("decision released on"), null=True,
                                               blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["call", "reference"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}".strip()

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("calls:application", args=[self.pk])


class Participant(models.Model):
    """A member of the consortium: the lead of a side, a co-applicant, or an unfunded
    collaborator from outside both poles. Invited by email; confirms by following a link."""

    class Role(models.TextChoices):
        LEAD = "lead", _("lead of a side")
        CO_APPLICANT = "co_applicant", _("co-applicant")
        COLLABORATOR = "collaborator", _("collaborator (unfunded)")

    class Status(models.TextChoices):
        INVITED = "invited", _("invited")
        CONFIRMED = "confirmed", _("confirmed")
        DECLINED = "declined", _("declined")

    application = models.ForeignKey(Application, verbose_name=_("application"),
                                    on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey("directory.Person", verbose_name=_("person"), null=True,
                               blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=300)
    email = models.EmailField(_("email"))
    pole = models.ForeignKey("directory.Pole", verbose_name=_("side (funding pole)"), null=True,
                             blank=True, on_delete=models.PROTECT, related_name="+",
                             help_text=_("Empty: a collaborator from outside both poles."))
    institution = models.ForeignKey("directory.Institution", verbose_name=_("institution"),
                                    null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    team = models.ForeignKey("directory.Team", verbose_name=_("team"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    role = models.CharField(_("role"), max_length=20, choices=Role)
    status = models.CharField(_("participation"), max_length=12, choices=Status,
                              default=Status.INVITED)
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe,
                             editable=False)
    invited_at = models.DateTimeField(_("invited on"), auto_now_add=True)
    responded_at = models.DateTimeField(_("answered on"), null=True, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["application", "pole__code", "role", "name"]
        constraints = [
            models.UniqueConstraint(fields=["application", "email"],
                                    name="calls_participant_email_unique"),
            models.UniqueConstraint(fields=["application", "pole"],
                                    condition=models.Q(role="lead"),
                                    name="calls_participant_one_lead_per_side"),
        ]

    def __str__(self) -> str:
        return self.name


class BudgetCategory(models.TextChoices):
    PERSONNEL = "personnel", _("personnel")
    EQUIPMENT = "equipment", _("equipment")
    CONSUMABLES = "consumables", _("consumables")
    TRAVEL = "travel", _("travel and mobility")
    OTHER = "other", _("other costs")


class BudgetLine(models.Model):
    """What one side asks for in one category, in the currency of that side's pole."""

    application = models.ForeignKey(Application, verbose_name=_("application"),
                                    on_delete=models.CASCADE, related_name="budget_lines")
    pole = models.ForeignKey("directory.Pole", verbose_name=_("side (funding pole)"),
                             on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("category"), max_length=20, choices=BudgetCategory)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2,
                                 validators=[MinValueValidator(0)])
    justification = models.CharField(_("justification"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["application", "pole__code", "category"]
        constraints = [models.UniqueConstraint(fields=["application", "pole", "category"],
                                               name="calls_budget_line_unique")]

    def __str__(self) -> str:
        return f"{self.application.reference} {self.pole.code} {self.category}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name never uses what the uploader called the file.
    application = instance.application
    return f"calls/{application.call_id}/{application.pk}/{secrets.token_hex(16)}.pdf"


class Attachment(models.Model):
    application = models.ForeignKey(Application, verbose_name=_("application"),
                                    on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("document"), max_length=20, choices=DocumentKind)
    file = models.FileField(_("file"), upload_to=attachment_path, storage=private_storage,
                            max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size (bytes)"))
    pages = models.PositiveIntegerField(_("pages"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"),
                                    null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded on"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["application", "kind", "uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


def receipt_path(instance: "Receipt", filename: str) -> str:
    return f"receipts/{instance.application_id}/{secrets.token_hex(16)}.pdf"


class Receipt(models.Model):
    """Proof of a submission: the server's time, a hash of the content submitted, a PDF."""

    application = models.ForeignKey(Application, verbose_name=_("application"),
                                    on_delete=models.CASCADE, related_name="receipts")
    stage = models.CharField(_("stage"), max_length=10, choices=Application.Stage)
    submitted_at = models.DateTimeField(_("submitted on"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"),
                                     null=True, on_delete=models.SET_NULL, related_name="+")
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64)
    pdf = models.FileField(_("PDF summary"), upload_to=receipt_path, storage=private_storage,
                           max_length=255, blank=True)

    class Meta:
        verbose_name = _("submission receipt")
        verbose_name_plural = _("submission receipts")
        ordering = ["application", "-submitted_at"]

    def __str__(self) -> str:
        return f"{self.application.reference} {self.submitted_at:%Y-%m-%d %H:%M}"


class EligibilityCheck(models.Model):
    """The outcome of one eligibility rule on one application, with its reason.

    The reason is stored as a rule code and its parameters so that it is shown in the reader's
    language."""

    application = models.ForeignKey(Application, verbose_name=_("application"),
                                    on_delete=models.CASCADE, related_name="eligibility_checks")
    rule = models.CharField(_("rule"), max_length=40)
    passed = models.BooleanField(_("passed"))
    params = models.JSONField(_("details"), default=dict, blank=True)
    checked_at = models.DateTimeField(_("checked on"), auto_now=True)

    class Meta:
        verbose_name = _("eligibility check")
        verbose_name_plural = _("eligibility checks")
        ordering = ["application", "pk"]
        constraints = [models.UniqueConstraint(fields=["application", "rule"],
                                               name="calls_eligibility_rule_unique")]

    def __str__(self) -> str:
        return f"{self.application.reference} {self.rule}: {self.passed}"
