"""Test settings: the product's settings with fast hashing, an in-memory outbox and
deterministic knobs. DATABASE_URL still selects the database (SQLite or PostgreSQL)."""

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Local memory, unless a test's server processes must share one (TEST_CACHE_URL=redis://...).
CACHES = {"default": cache_from_url(env.str("TEST_CACHE_URL", default="locmemcache://"))}  # noqa: F405
FINDINGS_COUNT_CACHE = False  # tests that need it turn it on (with a cache the test can share)
DEBUG = False
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
ALLOWED_HOSTS = ["*"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {  # noqa: F405
    "user": env.str("TEST_THROTTLE_USER_RATE", default="100000/min"),  # noqa: F405
    "anon": env.str("TEST_THROTTLE_ANON_RATE", default="100000/min"),  # noqa: F405
}}

# Scanning: nothing is blocked, so tests scan services they start on 127.0.0.1 (the parsers read
# the setting at call time; tests of the defaults set it to None with the `settings` fixture).
# Worker subprocesses started by tests inherit it through the environment (tests/scanning).
SCAN_BLOCKED_NETWORKS = ""

# SQLite: a file test database (not the shared in-memory one), so a worker started as a
# subprocess by a test can open it, and threads (heartbeat, workers) get real locking.
# pytest-xdist adds its `_gw<N>` suffix to the name; the pid keeps concurrent runs apart.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    import os
    import tempfile

    DATABASES["default"]["TEST"] = {"NAME": os.path.join(tempfile.gettempdir(), f"cg_test_db_{os.getpid()}.sqlite3")}  # noqa: F405

# The imported vulnerability feed: none (a path nothing writes), so scans in tests match the
# curated feed only, whatever a developer imported into var/; feed tests write their own files.
VULN_FEED_PATH = BASE_DIR / "var" / "no-feed-in-tests.sqlite3"  # noqa: F405
