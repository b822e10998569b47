"""Settings for the benchmarks: the product's settings as production runs them (DEBUG off, real
middleware, real authentication and throttling), plus a URLconf that adds the bare comparison
views. The database comes from DATABASE_URL, which the benchmark script sets."""

import warnings

from config.settings import *  # noqa: F403

warnings.filterwarnings("ignore", message="No directory at", module="whitenoise")

DEBUG = False
ALLOWED_HOSTS = ["*"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
ROOT_URLCONF = "benchmarks.urls"
if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    # One connection for the whole run (production reconnects every 60 s), so that the CPU time
    # of its server process can be read.
    DATABASES["default"]["CONN_MAX_AGE"] = None  # noqa: F405
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Seeding 10,000 users with Argon2 would take minutes; every user shares one precomputed hash.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The throttle stays on the hot path (a cache read and write per request) but must never fire:
# a per-second window keeps its history as short as production's 1200/min does.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"user": "1000000/s", "anon": "1000000/s"},
}
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405
