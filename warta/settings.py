"""Django settings for Warta, read from the environment once at start.

Embedded default: SQLite (WAL) under ``WARTA_DATA_DIR`` and the database task backend.
Scaled: ``DATABASE_URL`` (PostgreSQL) and ``REDIS_URL`` (RQ task backend, Redis cache).
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
ENV = os.environ


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable."""
    value = ENV.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ya"}


DATA_DIR = Path(ENV.get("WARTA_DATA_DIR") or BASE_DIR.parent / "var").resolve()  # empty counts as unset
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if ENV.get("WARTA_SECRET_KEY"):
        return ENV["WARTA_SECRET_KEY"]
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("WARTA_DEBUG")
TESTING = env_bool("WARTA_TESTING")
ALLOWED_HOSTS = [h.strip() for h in ENV.get("WARTA_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in ENV.get("WARTA_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]
SITE_URL = ENV.get("WARTA_SITE_URL", f"http://127.0.0.1:{ENV.get('WARTA_PORT', '8000')}")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "warta.core",
    "warta.accounts",
    "warta.organisations",
    "warta.channels",
    "warta.language",
    "warta.ingest",
    "warta.notifications",
    "warta.planning",
    "warta.media",
    "warta.guideline",
    "warta.approvals",
    "warta.publishing",
    "warta.amplification",
    "warta.press",
    "warta.sandbox",
    "warta.shell",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "warta.core.middleware.LanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "warta.core.middleware.RequestContextMiddleware",
    "warta.organisations.middleware.ScopeMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "warta.urls"
WSGI_APPLICATION = "warta.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "shell:home"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["template_partials.templatetags.partials"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "warta.shell.context_processors.shell",
            ],
        },
    }
]

# Database: SQLite in WAL mode by default; DATABASE_URL (PostgreSQL) for scale.
if ENV.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(ENV["DATABASE_URL"], conn_max_age=0 if TESTING else 60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": ENV.get("WARTA_SQLITE_PATH", str(DATA_DIR / "warta.sqlite3")),
            "OPTIONS": {
                # IMMEDIATE: a writing transaction takes the write lock at BEGIN, so two
                # writers queue on busy_timeout instead of failing on lock upgrade.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
            "TEST": {"NAME": ENV.get("WARTA_SQLITE_TEST_PATH")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background work: django-tasks; RQ on Redis when REDIS_URL is set.
TASK_QUEUES = ["default", "publishing", "ingest", "analysis", "alerts"]
REDIS_URL = ENV.get("REDIS_URL", "")
TASKS_EAGER = env_bool("WARTA_TASKS_EAGER")
if REDIS_URL:
    INSTALLED_APPS += ["django_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": TASK_QUEUES}}
    WARTA_RQ_WORKER_CLASS = ENV.get("WARTA_RQ_WORKER_CLASS", "rq.worker.SimpleWorker")
    RQ_QUEUES = {q: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600, "ASYNC": not TASKS_EAGER} for q in TASK_QUEUES}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": ENV.get("WARTA_CACHE_PREFIX", "warta")}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"  # read from Redis, kept in the database
else:
    WARTA_RQ_WORKER_CLASS = ""
    backend = "django_tasks.backends.immediate.ImmediateBackend" if TASKS_EAGER else "django_tasks_db.DatabaseBackend"
    TASKS = {"default": {"BACKEND": backend, "QUEUES": TASK_QUEUES}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "warta_cache"}}

# Authentication, passwords, sessions, lockout.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "warta.accounts.validators.CharacterClassValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SESSION_COOKIE_AGE = int(ENV.get("WARTA_SESSION_SECONDS", 8 * 3600))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("WARTA_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
AXES_FAILURE_LIMIT = int(ENV.get("WARTA_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = float(ENV.get("WARTA_LOGIN_COOLOFF_HOURS", 0.25))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "warta.accounts.views.locked_out"
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
OTP_TOTP_ISSUER = "Warta"
INVITATION_DAYS = int(ENV.get("WARTA_INVITATION_DAYS", 7))
PASSWORD_RESET_TIMEOUT = 3600 * 24

# Mail: the console mailer unless SMTP is configured.
if ENV.get("WARTA_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = ENV["WARTA_EMAIL_HOST"]
    EMAIL_PORT = int(ENV.get("WARTA_EMAIL_PORT", 587))
    EMAIL_HOST_USER = ENV.get("WARTA_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = ENV.get("WARTA_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("WARTA_EMAIL_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = ENV.get("WARTA_EMAIL_FROM", "Warta <warta@localhost>")

# Language and time: Indonesian first, English complete; store UTC.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "warta_language"
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# Static and media files: served by Warta itself (WhiteNoise), never a CDN.
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
WARTA_MEDIA_MAX_IMAGE_MB = float(ENV.get("WARTA_MEDIA_MAX_IMAGE_MB", 20))
WARTA_MEDIA_MAX_VIDEO_MB = float(ENV.get("WARTA_MEDIA_MAX_VIDEO_MB", 500))
WARTA_MEDIA_MAX_PIXELS = int(ENV.get("WARTA_MEDIA_MAX_PIXELS", 50_000_000))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not (DEBUG or TESTING)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Publishing (ADR 0022) and approvals (ADR 0020): the code reads these with the same defaults.
WARTA_PUBLISH_MAX_ATTEMPTS = int(ENV.get("WARTA_PUBLISH_MAX_ATTEMPTS", 6))
WARTA_PUBLISH_LEASE_S = float(ENV.get("WARTA_PUBLISH_LEASE_S", 300))
WARTA_PUBLISH_RECORD_GROUP = int(ENV.get("WARTA_PUBLISH_RECORD_GROUP", 25))
WARTA_APPROVAL_REMIND_AFTER_HOURS = float(ENV.get("WARTA_APPROVAL_REMIND_AFTER_HOURS", 24))
# KDE KHolidays library file for the commemoration days (ADR 0026); empty: searched under /usr/lib.
WARTA_KHOLIDAYS_LIBRARY = ENV.get("WARTA_KHOLIDAYS_LIBRARY", "")
WARTA_MAX_IMPORT_BYTES = int(ENV.get("WARTA_MAX_IMPORT_BYTES", 20 * 1024 * 1024))

# Security headers; CSP with nonces and no inline script.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

# Scheduler and health.
SCHEDULER_TICK_SECONDS = float(ENV.get("WARTA_SCHEDULER_TICK", 5))
HEARTBEAT_STALE_SECONDS = int(ENV.get("WARTA_HEARTBEAT_STALE", 180))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": ENV.get("WARTA_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"},
                # httpx logs full URLs at INFO, and some platforms put secrets in query strings
                "httpx": {"level": "WARNING"}, "httpcore": {"level": "WARNING"}},
}

# Language models: the committed CPU models ("linear") or a local fine-tuned transformer
# ("transformer": WARTA_TRANSFORMER_DIR/<task>/{model.onnx,tokenizer.json,config.json}).
WARTA_LANGUAGE_BACKEND = ENV.get("WARTA_LANGUAGE_BACKEND", "linear")
WARTA_TRANSFORMER_DIR = ENV.get("WARTA_TRANSFORMER_DIR") or None
if ENV.get("WARTA_LANGUAGE_DATA_DIR"):  # labelled data for `warta language train` (default ../shared/data)
    WARTA_LANGUAGE_DATA_DIR = ENV["WARTA_LANGUAGE_DATA_DIR"]
