"""legami settings: everything is read from the environment, with safe defaults.

Production: set LEGAMI_SECRET_KEY, LEGAMI_ALLOWED_HOSTS, DATABASE_URL and LEGAMI_FIELD_KEYS.
Development (`make demo`) sets LEGAMI_DEBUG=1.
"""

import datetime
import os
from importlib.util import find_spec
from pathlib import Path

import dj_database_url
import whitenoise.compress
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


_TRUE_WORDS = ("1", "true", "yes", "on")
_FALSE_WORDS = ("0", "false", "no", "off")


def env_bool(name: str, default: bool = False) -> bool:
    """A switch from the environment: a known word (any case) or empty for the default; anything else stops."""
    value = (os.environ.get(name) or "").strip().lower()
    if not value:
        return default
    if value in _TRUE_WORDS:
        return True
    if value in _FALSE_WORDS:
        return False
    # A typo such as LEGAMI_HTTPS=ture must not silently turn a protection off.
    raise ImproperlyConfigured(
        f"{name}={os.environ[name]!r} is not a switch value: use one of "
        f"{', '.join(_TRUE_WORDS)} (on) or {', '.join(_FALSE_WORDS)} (off), or leave it empty for the default."
    )


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("LEGAMI_DEBUG", False)
# Without an explicit key, development gets a fixed insecure key; production must set one
# (check --deploy flags the default).
SECRET_KEY = os.environ.get("LEGAMI_SECRET_KEY", "django-insecure-legami-development-only-key-change-me")
ALLOWED_HOSTS = env_list("LEGAMI_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("LEGAMI_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "ninja",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "bootstrap_italia_template",
    "legami.core",
    "legami.accounts",
    "legami.territory",
    "legami.network",
    "legami.needs",
    "legami.aggregation",
    "legami.participation",
    "legami.responses",
    "legami.exchange",
    "legami.activities",
    "legami.referrals",
    "legami.pacts",
    "legami.api",
    "legami.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "legami.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "legami.api.middleware.ApiJsonErrorsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Whether this session passed the second step (request.user.is_verified()), then who must pass it first.
    "django_otp.middleware.OTPMiddleware",
    "legami.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last: turns a refused log-in of a locked-out account or address into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "legami.urls"
WSGI_APPLICATION = "legami.wsgi.application"
ASGI_APPLICATION = "legami.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "legami" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "legami.core.context_processors.legami",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'legami.sqlite3'}"),
        conn_max_age=int(os.environ.get("LEGAMI_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker write progress while the web process reads it.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "timeout": 20}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("LEGAMI_SQLITE_TEST_NAME")}
    # The time bank's covering index (exchange.Movement) adds columns for PostgreSQL's index-only scans;
    # SQLite keeps the index without them, as intended, so its warning is noise on every migrate.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

# Each server process keeps its own caches: the rate limits' counts (legami.core.ratelimit) in the default one, and
# in "feeds" the calendar feeds already written, by their ETag (a change in the data makes a new tag, so a process
# never serves a stale feed; at most 64 feeds are kept, the least used go first).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "legami-default"},
    "feeds": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "legami-feeds",
        "OPTIONS": {"MAX_ENTRIES": 64},
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# The tenant and the model granting roles in it: core reads them through these names, as it reads the
# user model, so that it imports no app built on it (legami.core.tenancy).
LEGAMI_NETWORK_MODEL = "network.Network"
LEGAMI_MEMBERSHIP_MODEL = "network.Membership"
AUTHENTICATION_BACKENDS = [
    # First: refuses a log-in while its account or its address is locked out (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Log-in throttling (django-axes): after LEGAMI_LOGIN_FAILURE_LIMIT wrong passwords for one account, or from one
# address, log-ins from there are refused for LEGAMI_LOGIN_COOLOFF_MINUTES, the right password included
# (answer 429, an Italian page saying when to try again). Every failure is in the audit log.
AXES_FAILURE_LIMIT = int(os.environ.get("LEGAMI_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=float(os.environ.get("LEGAMI_LOGIN_COOLOFF_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "legami.accounts.views.accounts.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
AXES_DISABLE_ACCESS_LOG = True  # legami's audit log records log-ins and failures; axes keeps only the counts
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
# Two-factor log-in (django-otp: an authenticator app's 6-digit codes, and 10 single-use recovery codes): "required"
# makes every user holding a role that sees case or personal data (core.roles.registry.case_data_roles()), and
# platform staff, turn it on and use it; "optional" (the demo) asks only those who turned it on. check --deploy
# warns when it is optional (legami.W020).
LEGAMI_TWO_FACTOR = (os.environ.get("LEGAMI_TWO_FACTOR") or "required").strip().lower()
if LEGAMI_TWO_FACTOR not in ("required", "optional"):
    raise ImproperlyConfigured(
        f"LEGAMI_TWO_FACTOR={os.environ['LEGAMI_TWO_FACTOR']!r}: use required (the default) or optional."
    )
# Wrong codes: after this many in a row the account's second step is paused for the minutes below.
LEGAMI_TWO_FACTOR_FAILURE_LIMIT = int(os.environ.get("LEGAMI_TWO_FACTOR_FAILURE_LIMIT", 5))
LEGAMI_TWO_FACTOR_COOLOFF = datetime.timedelta(minutes=float(os.environ.get("LEGAMI_TWO_FACTOR_COOLOFF_MINUTES", 15)))
# legami counts wrong codes itself (above, in the database, across processes): django-otp's own growing delays
# would only confuse the count.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
OTP_TOTP_ISSUER = os.environ.get("LEGAMI_TWO_FACTOR_ISSUER", "legami")
# The admin site lists the devices but never shows their keys nor a QR code to scan (a second phone).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Password reset by e-mail: the link works for an hour, and once (it dies when the password changes). One e-mail
# address may ask this many links an hour (and one connection LEGAMI_PUBLIC_FORM_POSTS_PER_HOUR times).
PASSWORD_RESET_TIMEOUT = 60 * 60
LEGAMI_PASSWORD_RESETS_PER_HOUR = int(os.environ.get("LEGAMI_PASSWORD_RESETS_PER_HOUR", 3))
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "legami" / "locale"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["legami.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("LEGAMI_STATIC_ROOT", BASE_DIR / "staticfiles"))
# Leaflet's files come from the django-leaflet wheel; the app itself is not installed (it needs GDAL),
# only its static folder is served, so /static/leaflet/leaflet.js works offline.
_LEAFLET_SPEC = find_spec("leaflet")
STATICFILES_DIRS = [BASE_DIR / "legami" / "static"]
if _LEAFLET_SPEC and _LEAFLET_SPEC.submodule_search_locations:
    STATICFILES_DIRS.append(Path(next(iter(_LEAFLET_SPEC.submodule_search_locations))) / "static")
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("LEGAMI_MEDIA_ROOT", BASE_DIR / "media"))
# Signed pacts and expense receipts, encrypted at rest (legami.core.storage), served by no URL.
# Empty: MEDIA_ROOT/private.
LEGAMI_PRIVATE_ROOT = os.environ.get("LEGAMI_PRIVATE_ROOT", "")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("LEGAMI_MANIFEST_STATIC", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# In development and tests whitenoise serves straight from the finders, no collectstatic needed.
WHITENOISE_USE_FINDERS = DEBUG or env_bool("LEGAMI_STATIC_FROM_FINDERS", False)
WHITENOISE_AUTOREFRESH = DEBUG
# collectstatic keeps only the hashed copies (every page names them through {% static %}) and compresses them,
# except source maps, which only a browser's developer tools fetch: half the work, and a fresh install's
# collectstatic takes seconds.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*whitenoise.compress.Compressor.SKIP_COMPRESS_EXTENSIONS, "map")

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
LEGAMI_IMPORT_MAX_BYTES = int(os.environ.get("LEGAMI_IMPORT_MAX_BYTES", 20 * 1024 * 1024))
LEGAMI_IMPORT_MAX_ROWS = int(os.environ.get("LEGAMI_IMPORT_MAX_ROWS", 100_000))
# An Excel workbook is a ZIP archive: what it may unpack to (its parts together).
LEGAMI_IMPORT_MAX_UNPACKED_BYTES = int(os.environ.get("LEGAMI_IMPORT_MAX_UNPACKED_BYTES", 100 * 1024 * 1024))

# Maps: a tile server URL template ("https://tile.example.org/{z}/{x}/{y}.png") and its attribution.
# Empty (the default) draws maps without a background: nothing is fetched from outside.
LEGAMI_MAP_TILES_URL = os.environ.get("LEGAMI_MAP_TILES_URL", "")
LEGAMI_MAP_TILES_ATTRIBUTION = os.environ.get("LEGAMI_MAP_TILES_ATTRIBUTION", "")


def _tiles_origin(template: str) -> str:
    """The origin a tile URL template fetches from, for the CSP ("https://{s}.tile.example.org/…" → "https://*.tile.example.org")."""
    if not template:
        return ""
    scheme, _sep, rest = template.partition("://")
    host = rest.split("/", 1)[0].replace("{s}", "*")
    if scheme not in ("http", "https") or not host or "{" in host:
        raise ImproperlyConfigured(
            f"LEGAMI_MAP_TILES_URL: {template!r} is not an http(s) URL template with a fixed host."
        )
    return f"{scheme}://{host}"


# Content Security Policy (django-csp): scripts, styles, fonts and data only from this site; no inline script
# or style, no framing. Browsers send what it blocks to /csp-report/, which logs it (logger "legami.csp").
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *filter(None, [_tiles_origin(LEGAMI_MAP_TILES_URL)])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "report-uri": "/csp-report/",
    },
}
# Rate limits (legami.core.ratelimit): API requests per token (or logged-in user) per minute, refused API tokens
# per address per minute, and posts of each public form (need report, survey answers) per address per hour;
# 0 turns one off.
LEGAMI_API_REQUESTS_PER_MINUTE = int(os.environ.get("LEGAMI_API_REQUESTS_PER_MINUTE", 600))
LEGAMI_API_REFUSED_TOKENS_PER_MINUTE = int(os.environ.get("LEGAMI_API_REFUSED_TOKENS_PER_MINUTE", 30))
LEGAMI_PUBLIC_FORM_POSTS_PER_HOUR = int(os.environ.get("LEGAMI_PUBLIC_FORM_POSTS_PER_HOUR", 30))

# Browser features no page of legami uses.
LEGAMI_PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"

# Figures shown outside the case team hide any cell about fewer people than this.
LEGAMI_K_ANONYMITY = int(os.environ.get("LEGAMI_K_ANONYMITY", 5))
# Demand aggregation: how near two needs must be (km) when both have a point on the map.
LEGAMI_AGGREGATION_DISTANCE_KM = float(os.environ.get("LEGAMI_AGGREGATION_DISTANCE_KM", 2.0))
# ...the cohesion (average similarity of a group's descriptions, percent) under which a group is not proposed...
LEGAMI_AGGREGATION_MIN_COHESION = int(os.environ.get("LEGAMI_AGGREGATION_MIN_COHESION", 25))
# ...and the smallest group a run proposes by default (chosen on the demo for a list a coordinator can review).
LEGAMI_AGGREGATION_MIN_GROUP_SIZE = int(os.environ.get("LEGAMI_AGGREGATION_MIN_GROUP_SIZE", 3))

TASKS = {
    "default": {
        "BACKEND": os.environ.get("LEGAMI_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Keys for encryption at rest of case data (comma separated Fernet keys, newest first).
LEGAMI_FIELD_KEYS = env_list("LEGAMI_FIELD_KEYS", "") or [
    # Development key: check --deploy warns when it is used (see legami.core.checks).
    "bGVnYW1pLWRldmVsb3BtZW50LWtleS0zMi1ieXRlcyE="
]

# Keys for the encrypted backups of `manage.py backup` / `restore` (comma separated Fernet keys: the first
# encrypts, any decrypts). No default: a backup without a key is refused.
LEGAMI_BACKUP_KEY = env_list("LEGAMI_BACKUP_KEY", "")

# Without an e-mail server, development prints whole messages; production logs only that one was not sent (an
# invitation's text holds its link, a secret), and check --deploy warns (legami.W002).
EMAIL_BACKEND = os.environ.get(
    "LEGAMI_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "legami.core.mail.UnsentEmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("LEGAMI_DEFAULT_FROM_EMAIL", "legami <noreply@localhost>")
EMAIL_HOST = os.environ.get("LEGAMI_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("LEGAMI_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("LEGAMI_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("LEGAMI_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("LEGAMI_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("LEGAMI_EMAIL_USE_SSL", False)
# The site's public address for links sent outside a page (invitation e-mails). Empty: each link is
# built from the address the request came to (its host, port and scheme).
LEGAMI_BASE_URL = os.environ.get("LEGAMI_BASE_URL", "")

LEGAMI_PAGE_SIZE = 25
LEGAMI_INVITATION_DAYS = 14
LEGAMI_RESERVED_SLUGS = {
    "accounts",
    "admin",
    "api",
    "platform",
    "static",
    "media",
    "i18n",
    "healthz",
    "docs",
}

# Security: strict by default, relaxed only for plain-HTTP local runs.
LEGAMI_HTTPS = env_bool("LEGAMI_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = LEGAMI_HTTPS and env_bool("LEGAMI_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = LEGAMI_HTTPS
CSRF_COOKIE_SECURE = LEGAMI_HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("LEGAMI_HSTS_SECONDS", 31536000 if LEGAMI_HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = LEGAMI_HTTPS
SECURE_HSTS_PRELOAD = LEGAMI_HTTPS
LEGAMI_BEHIND_PROXY = env_bool("LEGAMI_BEHIND_PROXY")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if LEGAMI_BEHIND_PROXY else None
# The visitor's address for log-in throttling: behind the proxy, the address it appended to X-Forwarded-For
# (every request would otherwise come from the proxy, and one lock-out would lock out everyone).
AXES_CLIENT_IP_CALLABLE = "legami.core.http.client_address"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LEGAMI_LOG_LEVEL", "WARNING")},
}

NINJA_PAGINATION_PER_PAGE = 50
