"""Settings for `make bench`: production settings, served over plain HTTP on loopback.

The database comes from DATABASE_URL, which the benchmark runner points at a fresh database.
"""

from legami.settings import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "legami.bench_urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

# Loopback, no TLS: the HTTPS-only switches would redirect or drop the cookies.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0

# No collectstatic step: WhiteNoise serves straight from the finders, without a manifest.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Invitation e-mails of the seed go nowhere.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "ERROR"},
}
