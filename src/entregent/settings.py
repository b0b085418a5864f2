"""Django settings for entregent, read from the environment in one place.

Every variable is documented in the README. Bad values fail loudly at start-up rather than being
silently ignored, so a typo in a deployment never turns into a surprise at run time.
"""

from __future__ import annotations

import os
import zoneinfo
from pathlib import Path

import dj_database_url
import phonenumbers
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from platformdirs import user_data_dir

BASE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str = "") -> str:
    """Read NAME, or the contents of the file named by NAME_FILE (for secrets)."""
    file_name = os.environ.get(f"{name}_FILE", "")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_name!r} cannot be read: {exc}") from exc
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    """Read a strict boolean: only "", "True" and "False" are accepted."""
    value = os.environ.get(name, "")
    if value == "":
        return default
    if value not in ("True", "False"):
        raise ImproperlyConfigured(f"{name} must be True or False, not {value!r}")
    return value == "True"


def env_int(name: str, default: int, minimum: int = 0) -> int:
    """Read an integer setting, refusing anything that is not a whole number >= minimum."""
    value = os.environ.get(name, "")
    if value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}")
    return number


DATA_DIR = Path(env_str("ENTREGENT_DATA_DIR") or user_data_dir("entregent", appauthor=False))

DEBUG = env_bool("ENTREGENT_DEBUG", False)

# A local, single-machine app: a key generated once and kept beside the data is the safe default.
SECRET_KEY = env_str("ENTREGENT_SECRET_KEY")
if not SECRET_KEY:
    _key_file = DATA_DIR / "secret_key"
    if _key_file.exists():
        SECRET_KEY = _key_file.read_text(encoding="utf-8").strip()
    else:
        from django.core.management.utils import get_random_secret_key

        SECRET_KEY = get_random_secret_key()
        try:
            DATA_DIR.mkdir(parents=True, exist_ok=True)
            _key_file.write_text(SECRET_KEY, encoding="utf-8")
            _key_file.chmod(0o600)
        except OSError:
            pass  # a read-only data dir still runs, with a key that lasts one process

ALLOWED_HOSTS = [
    host.strip()
    for host in env_str("ENTREGENT_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver").split(
        ","
    )
    if host.strip()
]
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in env_str("ENTREGENT_CSRF_TRUSTED_ORIGINS").split(",")
    if origin.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "entregent.network",
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
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "entregent.urls"
WSGI_APPLICATION = "entregent.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

_sqlite_path = DATA_DIR / "entregent.sqlite3"
try:
    DATABASES = {
        "default": dj_database_url.parse(
            env_str("DATABASE_URL") or f"sqlite:///{_sqlite_path}", conn_max_age=60
        )
    }
except ValueError as exc:
    raise ImproperlyConfigured(
        f"DATABASE_URL is not understood ({exc}); use postgres://user@host:5432/name"
    ) from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the CLI writes; a busy timeout avoids "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("TEST", {})["NAME"] = ":memory:"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("ENTREGENT_TIME_ZONE", "Europe/Paris")
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(
        f"ENTREGENT_TIME_ZONE={TIME_ZONE!r} is not a time zone; use a name like Europe/Paris"
    ) from None

# The active network the user can keep up (Dunbar's ~150) and the minutes a day they give it.
ENTREGENT_CAPACITY = env_int("ENTREGENT_CAPACITY", 150, minimum=1)
ENTREGENT_DAILY_MINUTES = env_int("ENTREGENT_DAILY_MINUTES", 20, minimum=1)
# The largest upload the web import and restore accept, in bytes (100 MB by default).
ENTREGENT_UPLOAD_MAX_BYTES = env_int("ENTREGENT_UPLOAD_MAX_BYTES", 100 * 1024 * 1024, minimum=1)

# The address the calendar feed is published under (what a calendar app will subscribe to).
ENTREGENT_PUBLIC_URL = env_str("ENTREGENT_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
if not ENTREGENT_PUBLIC_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(
        f"ENTREGENT_PUBLIC_URL={ENTREGENT_PUBLIC_URL!r} must start with http:// or https://"
    )

# The digest by email: SMTP settings from the environment; no host means no email is sent.
# ENTREGENT_EMAIL_FILE_PATH writes each email as a file in that folder instead (to try it out).
EMAIL_FILE_PATH = env_str("ENTREGENT_EMAIL_FILE_PATH")
EMAIL_BACKEND = (
    "django.core.mail.backends.filebased.EmailBackend"
    if EMAIL_FILE_PATH
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = env_str("ENTREGENT_EMAIL_HOST")
EMAIL_PORT = env_int("ENTREGENT_EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("ENTREGENT_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("ENTREGENT_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("ENTREGENT_EMAIL_TLS", True)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env_str("ENTREGENT_EMAIL_FROM", "entregent@localhost")

# Phones written without a country code are read as numbers of this region (ISO 3166 code).
ENTREGENT_DEFAULT_REGION = env_str("ENTREGENT_DEFAULT_REGION", "FR").upper()
if ENTREGENT_DEFAULT_REGION not in phonenumbers.SUPPORTED_REGIONS:
    raise ImproperlyConfigured(
        f"ENTREGENT_DEFAULT_REGION={ENTREGENT_DEFAULT_REGION!r} is not a country code "
        "phone numbers know; use a two-letter code like FR, GB or US"
    )

STATIC_URL = "static/"
# Static files are served from the installed packages (whitenoise finders): no collectstatic step.
STATIC_ROOT = env_str("ENTREGENT_STATIC_ROOT") or None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
STATICFILES_DIRS = [BASE_DIR / "static"]

# Behind HTTPS (a reverse proxy terminating TLS), cookies must never travel in clear.
HTTPS = env_bool("ENTREGENT_HTTPS", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 30
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
