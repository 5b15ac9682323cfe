import zoneinfo

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TIME_ZONE_CHOICES = [
    ("Europe/Paris", _("Paris and Lyon (Europe/Paris)")),
    ("America/Toronto", _("Montréal and Québec (America/Toronto)")),
    ("UTC", _("Coordinated Universal Time (UTC)")),
]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", User.Role.SITE_ADMIN)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in, by email. Their directory entry is `directory.Person`."""

    class Role(models.TextChoices):
        RESEARCHER = "researcher", _("Researcher")
        STUDENT = "student", _("Student")
        POLE_STAFF = "pole_staff", _("Pole staff (programme manager)")
        SITE_ADMIN = "site_admin", _("Site administrator")

    email = models.EmailField(_("email"), unique=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.RESEARCHER)
    pole = models.ForeignKey(
        "directory.Pole", verbose_name=_("pole"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="staff",
        help_text=_("For pole staff: the pole whose business they manage."),
    )
    language = models.CharField(_("language"), max_length=5, choices=[
        ("fr", _("French")), ("en", _("English"))], default="fr")
    time_zone = models.CharField(_("display time zone"), max_length=64,
                                 choices=TIME_ZONE_CHOICES, default="Europe/Paris")
    is_staff = models.BooleanField(
        _("Django admin access"), default=False,
        help_text=_("Whether the person may sign in to the technical administration site."))
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="pole_staff") | models.Q(pole__isnull=False),
                name="pole_staff_has_pole",
                violation_error_message=_("Pole staff must belong to a pole."),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def is_site_admin(self) -> bool:
        return self.is_superuser or self.role == self.Role.SITE_ADMIN

    @property
    def needs_mfa(self) -> bool:
        return self.is_site_admin or self.role == self.Role.POLE_STAFF or self.is_staff
