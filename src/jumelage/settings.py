"""Settings, read from the environment (twelve-factor). See README, "Configuration"."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent

env = environ.Env()
environ.Env.read_env(PROJECT_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
VAR_DIR = Path(env.str("JUMELAGE_VAR_DIR", default=str(PROJECT_DIR / "var")))

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the environment variable SECRET_KEY to a long random "
            "string (for example the output of `python -c \"import secrets; "
            "print(secrets.token_urlsafe(50))\"`), or set DEBUG=true for local development."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

_DEFAULT_DB = f"sqlite:///{VAR_DIR / 'jumelage.sqlite3'}"
_db_url = env.str("DATABASE_URL", default=_DEFAULT_DB)
try:
    _db = environ.Env.db_url_config(_db_url)
    if _db.get("ENGINE") not in {"django.db.backends.sqlite3", "django.db.backends.postgresql"}:
        raise ImproperlyConfigured("unsupported engine")
except (ImproperlyConfigured, KeyError, ValueError) as exc:
    _scheme = _db_url.split("://", 1)[0] if "://" in _db_url else _db_url[:20]
    raise ImproperlyConfigured(
        f"DATABASE_URL is not a valid database URL (scheme {_scheme!r}). Accepted forms: "
        "sqlite:////absolute/path.sqlite3 or postgres://USER:PASSWORD@HOST:PORT/NAME."
    ) from exc
if _db["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    _db.setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20,
         "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
else:
    _db.setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    _db.setdefault("CONN_HEALTH_CHECKS", True)
    _db.setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    # PostgreSQL's JIT compiler costs more than it saves on the platform's short queries (it
    # took 1.3 s of a 1.8 s directory search at 50,000 people: docs/performance.md).
    _db["OPTIONS"].setdefault("options", "-c jit=off")
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
    "jumelage.core",
    "jumelage.accounts",
    "jumelage.directory",
    "jumelage.observatory",
    "jumelage.matching",
    "jumelage.calls",
    "jumelage.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "jumelage.core.middleware.RequestContextMiddleware",
    "jumelage.accounts.middleware.StaffMFAMiddleware",
]

ROOT_URLCONF = "jumelage.urls"
WSGI_APPLICATION = "jumelage.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jumelage.core.context_processors.site",
            ],
        },
    }
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: email is the login; every address is confirmed; no account enumeration.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_PREVENT_ENUMERATION = True
# An address without an account is never mailed: the platform cannot be used to mail strangers.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "jumelage.accounts.adapter.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Jumelage] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Jumelage"
# Site administrators and pole staff must enrol a TOTP authenticator before anything else.
JUMELAGE_REQUIRE_STAFF_MFA = env.bool("JUMELAGE_REQUIRE_STAFF_MFA", default=True)

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
# Shown to visitors who have not chosen a display time zone.
JUMELAGE_DEFAULT_DISPLAY_TIME_ZONE = env.str("DISPLAY_TIME_ZONE", default="Europe/Paris")

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(VAR_DIR / "media")}},
    # Applicants' files and receipts: never served by the web server, only by views that
    # check who may read them.
    "private": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(Path(env.str("JUMELAGE_PRIVATE_FILES",
                                                         default=str(VAR_DIR / "private"))))}},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Mail: console in development, SMTP (or any backend) from EMAIL_URL in production.
EMAIL_CONFIG = env.email_url(
    "EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25"
)
globals().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Jumelage <no-reply@jumelage.invalid>")
# The site's address in links that mail sent by scheduled jobs carries (no request to read it
# from); empty: https:// and the first of ALLOWED_HOSTS.
JUMELAGE_SITE_URL = env.str("SITE_URL", default="").rstrip("/")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work: Django's tasks interface (the django-tasks backport) on the database.
TASKS = {"default": {"BACKEND": env.str("TASKS_BACKEND",
                                        default="django_tasks_db.DatabaseBackend")}}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# The observatory's DuckDB file.
JUMELAGE_OBSERVATORY_DB = Path(env.str("JUMELAGE_OBSERVATORY_DB",
                                       default=str(VAR_DIR / "observatory.duckdb")))
# DuckDB's own memory when the commands write the store ("2GB", "500MB"); beyond it, large
# joins and sorts spill to a folder beside the file.
JUMELAGE_OBSERVATORY_MEMORY = env.str("JUMELAGE_OBSERVATORY_MEMORY", default="2GB")

JUMELAGE_RETENTION = {
    # Days after which finished background-task results are removed.
    "task_results_days": env.int("RETENTION_TASK_RESULTS_DAYS", default=30),
    # Days after which accounts that never confirmed their email are removed.
    "unconfirmed_accounts_days": env.int("RETENTION_UNCONFIRMED_DAYS", default=14),
    # Days the audit log is kept; it is append-only and never pruned when 0.
    "audit_days": env.int("RETENTION_AUDIT_DAYS", default=0),
}
