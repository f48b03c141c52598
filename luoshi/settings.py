"""luoshi settings, driven by environment variables with defaults that need no server.

The default is an embedded SQLite database under `var/` beside the project (or `LUOSHI_HOME`).
Set `LUOSHI_DB=postgres` with `LUOSHI_DB_NAME`, `LUOSHI_DB_USER`, `LUOSHI_DB_PASSWORD`,
`LUOSHI_DB_HOST`, `LUOSHI_DB_PORT` for PostgreSQL.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def envstr(name: str, default: str) -> str:
    return os.environ.get(name, default)


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {raw!r}")


HOME = Path(envstr("LUOSHI_HOME", str(BASE_DIR.parent / "var")))


def _secret_key() -> str:
    """From the environment, else a key kept in the data folder so sessions survive restarts."""
    if os.environ.get("LUOSHI_SECRET_KEY"):
        return os.environ["LUOSHI_SECRET_KEY"]
    path = HOME / "secret_key"
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        HOME.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    try:
        # readable by its owner only; O_EXCL: of two processes starting at once, one key wins
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key)
    return key


SECRET_KEY = _secret_key()
DEBUG = envbool("LUOSHI_DEBUG", False)
ALLOWED_HOSTS = [
    h for h in envstr("LUOSHI_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [o for o in envstr("LUOSHI_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "template_partials",
    "luoshi.org",
    "luoshi.ledger",
    "luoshi.plans",
    "luoshi.reporting",
    "luoshi.supervision",
    "luoshi.dashboard",
    "luoshi.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "luoshi.middleware.RequestSizeLimit",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "luoshi.urls"
WSGI_APPLICATION = "luoshi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "luoshi.context.punctuation",
            ],
        },
    }
]


def _databases() -> dict:
    engine = envstr("LUOSHI_DB", "sqlite")
    if engine == "sqlite":
        HOME.mkdir(parents=True, exist_ok=True)
        return {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": envstr("LUOSHI_DB_NAME", str(HOME / "luoshi.sqlite3")),
                # WAL lets readers go on while a unit saves a report
                "OPTIONS": {
                    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;",
                    "transaction_mode": "IMMEDIATE",
                },
            }
        }
    if engine == "postgres":
        return {
            "default": {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": envstr("LUOSHI_DB_NAME", "luoshi"),
                "USER": envstr("LUOSHI_DB_USER", "postgres"),
                "PASSWORD": envstr("LUOSHI_DB_PASSWORD", ""),
                "HOST": envstr("LUOSHI_DB_HOST", "127.0.0.1"),
                "PORT": envstr("LUOSHI_DB_PORT", "5432"),
                "CONN_MAX_AGE": envint("LUOSHI_DB_CONN_MAX_AGE", 60),
            }
        }
    raise ImproperlyConfigured(f"LUOSHI_DB must be sqlite or postgres, got {engine!r}")


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = HOME / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise looks there first; the files come from finders
MEDIA_ROOT = Path(envstr("LUOSHI_MEDIA_ROOT", str(HOME / "media")))
MEDIA_URL = "/media/"
WHITENOISE_USE_FINDERS = True  # serves the vendored static files without a collectstatic step

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"

# Uploads: speeches up to the parser's limit; report attachments below
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
LUOSHI_ATTACHMENT_MAX_BYTES = envint("LUOSHI_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
# a speech or work report gives a few hundred tasks; many more means the file is something else
# (a whole year's documents pasted together) and its draft could not be reviewed
LUOSHI_IMPORT_MAX_TASKS = envint("LUOSHI_IMPORT_MAX_TASKS", 1000)
# the whole request: ten attachments and a form; checked before the CSRF check reads the body
LUOSHI_MAX_REQUEST_BYTES = envint(
    "LUOSHI_MAX_REQUEST_BYTES", 10 * LUOSHI_ATTACHMENT_MAX_BYTES + 12 * 1024 * 1024
)
LUOSHI_ATTACHMENT_TYPES = (".pdf", ".jpg", ".jpeg", ".png", ".docx", ".xlsx", ".txt")

# Warning rule (supervision/warnings.py): points behind the time-elapsed schedule (序时进度)
LUOSHI_RED_BEHIND = envint("LUOSHI_RED_BEHIND", 30)
LUOSHI_YELLOW_BEHIND = envint("LUOSHI_YELLOW_BEHIND", 10)
LUOSHI_BLUE_DAYS = envint("LUOSHI_BLUE_DAYS", 7)
LUOSHI_ESCALATE_AFTER_MISSED = envint("LUOSHI_ESCALATE_AFTER_MISSED", 2)

EMAIL_BACKEND = envstr("LUOSHI_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = envstr("LUOSHI_FROM_EMAIL", "luoshi@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LUOSHI_LOG_LEVEL", "WARNING")},
}
