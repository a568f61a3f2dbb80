"""Qorgau settings: one file, every value from the environment with a safe default.

SQLite under the data directory is the default so that a checkout just works;
set DATABASE_URL for PostgreSQL.
"""

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from qorgau.config.env import data_dir, env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = data_dir()

DEMO = env_bool("QORGAU_DEMO", False)
DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the data directory."""
    configured = env_str("SECRET_KEY")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
# Keys the audit chain's HMAC; separate so rotating SECRET_KEY does not break verification.
AUDIT_CHAIN_KEY = env_str("QORGAU_AUDIT_KEY") or SECRET_KEY

# The public address, for links in e-mails (no trailing slash).
QORGAU_SITE_URL = env_str("QORGAU_SITE_URL", "http://127.0.0.1:8000")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "qorgau.core",
    "qorgau.accounts",
    "qorgau.audit",
    "qorgau.screening",
    "qorgau.directory",
    "qorgau.cases",
    "qorgau.referrals",
    "qorgau.justice",
    "qorgau.training",
    "qorgau.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "qorgau.accounts.middleware.UserLanguageMiddleware",
    "qorgau.accounts.middleware.TwoFactorRequiredMiddleware",
    "qorgau.core.middleware.WorkspaceMiddleware",
    "qorgau.audit.context.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qorgau.config.urls"
WSGI_APPLICATION = "qorgau.config.wsgi.application"
ASGI_APPLICATION = "qorgau.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qorgau.core.context_processors.shell",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
_default_sqlite = f"sqlite:///{DATA_DIR / 'qorgau.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL") or _default_sqlite)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run while one writer writes; IMMEDIATE takes the write lock up front,
        # so read-then-write transactions (the audit chain) never fail half-way with "locked".
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": None}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Authentication -----------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Two-factor sign-in for every role that can see a child's identity. The demo turns it off
# and says so on the login page.
QORGAU_REQUIRE_2FA = env_bool("QORGAU_REQUIRE_2FA", not DEMO)
OTP_TOTP_ISSUER = "Qorgau"

# Lockout after repeated failures, per user name and client address.
AXES_FAILURE_LIMIT = env_int("QORGAU_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("QORGAU_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Sessions expire after inactivity; every request renews them.
SESSION_COOKIE_AGE = env_int("QORGAU_SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not (DEBUG or DEMO))
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- Languages ----------------------------------------------------------------------------
LANGUAGE_CODE = env_str("QORGAU_DEFAULT_LANGUAGE", "kk")
LANGUAGES = [
    ("kk", _("Kazakh")),
    ("ru", _("Russian")),
    ("en", _("English")),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
FORMAT_MODULE_PATH = ["qorgau.formats"]
LANGUAGE_COOKIE_NAME = "qorgau_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Almaty")

# --- Static files, uploads ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "uploads"  # outside the web root; files are served through checked views
# Case documents: private storage under MEDIA_ROOT/private (no URL), random names, size limit.
STORAGES["private"] = {"BACKEND": "qorgau.cases.storage.PrivateStorage"}
QORGAU_DOCUMENT_MAX_BYTES = env_int("QORGAU_DOCUMENT_MAX_MB", 20) * 1024 * 1024
# The demo serves static files straight from the package so it needs no collectstatic step.
WHITENOISE_USE_FINDERS = DEBUG or DEMO
if DEBUG or DEMO:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# --- Email --------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if (DEBUG or DEMO)
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Qorgau <no-reply@qorgau.local>")

# --- Cache ------------------------------------------------------------------------------------
# The default cache holds the rate-limit counters (wrong personal codes on the public test,
# check-in and survey pages), so every worker process must see the same one: a table in the
# database by default (no extra service; `qorgau migrate` creates it). "memory" keeps it in
# each process: only for a single process. The "local" cache is per process on purpose: it
# holds estimates that need not be shared (the register size of the duplicate lookup). ADR 0020.
_CACHE_BACKENDS = {
    "database": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "qorgau_cache",
        # Culling deletes a third of the rows when full: keep it far above the live counters.
        "OPTIONS": {"MAX_ENTRIES": env_int("QORGAU_CACHE_MAX_ENTRIES", 100_000)},
    },
    "memory": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "qorgau"},
}
QORGAU_CACHE = env_str("QORGAU_CACHE", "database")
if QORGAU_CACHE not in _CACHE_BACKENDS:
    raise ValueError(f"QORGAU_CACHE must be one of {sorted(_CACHE_BACKENDS)}, got {QORGAU_CACHE!r}")
CACHES = {
    "default": _CACHE_BACKENDS[QORGAU_CACHE],
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "local"},
}

# --- Background work ----------------------------------------------------------------------
# The demo runs tasks at once (no worker to start); production queues them for `qorgau worker`.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if DEMO
        else "django_tasks_db.DatabaseBackend"
    }
}

# --- Logging ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
