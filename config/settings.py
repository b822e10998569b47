"""Settings. Every knob comes from the environment; the defaults run an embedded demo
(SQLite file, local-memory cache, console e-mail). See README.md for the full list."""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Signs sessions, password-reset links and (unless JWT_SECRET, TOKEN_HASH_KEY and
# FIELD_ENCRYPTION_KEY are set) bearer tokens, API-key hashes and encrypted secrets. Never the
# public development key in production: without DJANGO_SECRET_KEY and with debug off, nothing
# starts; `check --deploy` flags the development key (config.checks). scripts/run.sh generates
# one per install into .env.
DEVELOPMENT_SECRET_KEY = "insecure-dev-key-change-me-" + "x" * 24
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. With DJANGO_DEBUG=false the platform refuses to start with the "
            "public development key: set DJANGO_SECRET_KEY to a long random value (python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'), in the environment or in .env (README, Production checklist)."
        )
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
# Old keys still accepted when checking Django signatures (sessions, signed links) while rotating.
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["*"] if DEBUG else ["localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "config.apps.PlatformAdminConfig",  # django.contrib.admin, branded, with the dashboard
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "config.api",
    "organizations",
    "accounts",
    "scanning",
    "findings",
    "reports",
    "events",
    "operations",  # periodic jobs and run_scheduler (above the domain apps)
    "demo",  # seed_demo (above the domain apps)
]

MIDDLEWARE = [
    "events.middleware.RequestContextMiddleware",  # X-Request-Id, audit context (docs/events.md)
    "config.api.middleware.ApiEdgeMiddleware",  # /v2, /auth: no-store, body limits, JSON failures
    "django.middleware.security.SecurityMiddleware",  # HSTS on requests that arrived over TLS
    "config.middleware.SecureCookiesOverTlsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
APPEND_SLASH = False
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
            ],
        },
    },
]
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
# The statements every request runs (authentication, list pages) are prepared once per PostgreSQL
# connection (config/api/prepared.py); off for a pooler that cannot keep them (docs/deployment.md).
DATABASE_PREPARED_STATEMENTS = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

def cache_from_url(url):
    """django-environ's cache config, with the URL's `?key_prefix=`, `timeout=` and `version=` under
    the names Django reads (it passes them lowercase, and Django would silently ignore them)."""
    config = environ.Env.cache_url_config(url)
    for name in ("key_prefix", "timeout", "version"):
        if name in config:
            config[name.upper()] = config.pop(name)
    return config


CACHES = {"default": cache_from_url(env.str("CACHE_URL", default="locmemcache://"))}
# GET /v2/vulnerabilities keeps its exact total_count in the cache until the findings change
# (findings/services/list_counts.py): only sound when every process shares the cache.
FINDINGS_COUNT_CACHE = env.bool(
    "FINDINGS_COUNT_CACHE",
    default=not CACHES["default"]["BACKEND"].endswith(("LocMemCache", "DummyCache")),
)

AUTH_USER_MODEL = "accounts.User"
# argon2id with OWASP's parameters (accounts/hashers.py): Django's defaults cost ~170 ms of CPU
# and 100 MB per sign-in. Hashes made with Django's defaults verify and are upgraded at sign-in.
PASSWORD_HASHERS = [
    "accounts.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=10)}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Where generated files (reports) are kept: "local" (MEDIA_ROOT) or "s3", any S3-compatible store
# through django-storages (AWS S3, MinIO, Ceph...); docs/reports.md, Storage.
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="local")
if MEDIA_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("S3_BUCKET"),
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("S3_REGION", default="") or None,
            "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("S3_PREFIX", default=""),
            "default_acl": None, "file_overwrite": False, "querystring_auth": True,
        },
    }
elif MEDIA_STORAGE != "local":
    raise ImproperlyConfigured(f"MEDIA_STORAGE must be 'local' or 's3', not {MEDIA_STORAGE!r}")

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CG Scanning <no-reply@localhost>")

# --- Security (production: DJANGO_DEBUG=false turns these on) ---
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Secure-only cookies always when HTTP is redirected to HTTPS; otherwise (run.sh on plain-HTTP
# loopback) config.middleware marks them secure on every request that arrived over TLS.
SECURE_COOKIES = env.bool("DJANGO_SECURE_COOKIES", default=SECURE_SSL_REDIRECT)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- The /v2 API ---
# Largest request body (bytes) a /v2 or /auth route reads: a larger one is a 413 before it is
# read. Routes that take file uploads (multipart) declare their own limit, API_MAX_UPLOAD_BYTES.
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=1024 * 1024)
API_MAX_UPLOAD_BYTES = env.int("API_MAX_UPLOAD_BYTES", default=512 * 1024 * 1024)
# Imported reports (POST /v2/scans/{id}/import): up to this size they are recorded within the
# request; larger ones are queued for a worker, which reads them from IMPORT_SPOOL_DIR (a folder
# every worker can reach). Uploads are streamed to disk, never held in memory.
IMPORT_SYNC_MAX_BYTES = env.int("IMPORT_SYNC_MAX_BYTES", default=10 * 1024 * 1024)
IMPORT_SPOOL_DIR = env.path("IMPORT_SPOOL_DIR", default=BASE_DIR / "var" / "imports")
DATA_UPLOAD_MAX_MEMORY_SIZE = API_MAX_BODY_BYTES  # Django's own check of non-file body data
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["accounts.authentication.CGAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["config.api.permissions.IsAuthenticatedRole"],
    "DEFAULT_RENDERER_CLASSES": ["config.api.renderers.EnvelopeJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "config.api.parsers.StrictJSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "config.api.pagination.PagePagination",
    # `?format=` picks a renderer only when the view has one of that format (config/api/negotiation.py).
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "config.api.negotiation.FormatParameterNegotiation",
    "DEFAULT_SCHEMA_CLASS": "config.api.schema.ResourceAutoSchema",
    "EXCEPTION_HANDLER": "config.api.exceptions.handle_exception",
    "DEFAULT_THROTTLE_CLASSES": [
        "config.api.throttling.UserRateThrottle",
        "config.api.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("THROTTLE_USER_RATE", default="1200/min"),
        "anon": env.str("THROTTLE_ANON_RATE", default="120/min"),
    },
    # Proxies in front of the app whose X-Forwarded-For entries are trusted for the per-address
    # rate. 0: the connecting address (REMOTE_ADDR), never a header a client can make up.
    "NUM_PROXIES": env.int("THROTTLE_TRUSTED_PROXIES", default=0),
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CG Scanning API V2",
    "DESCRIPTION": "Multi-tenant vulnerability scanning API (wire-compatible with CG Scanning API V2).",
    "VERSION": "2.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/v2",
    "COMPONENT_SPLIT_REQUEST": True,
    "APPEND_COMPONENTS": {
        "securitySchemes": {
            "ApiKey": {"type": "apiKey", "in": "header", "name": "X-API-KEY"},
            "Bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
        }
    },
    "SECURITY": [{"ApiKey": [], "Bearer": []}],
    "AUTHENTICATION_WHITELIST": [],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api.schema.strip_trailing_slashes",
        "config.api.schema_bodies.add_shared_components",
    ],
    # The schema and the docs describe the API, not tenant data: a browser opens them without an
    # X-API-KEY header (it could not send one). Every operation they list still requires one.
    "SERVE_AUTHENTICATION": [],
}

# Background work (django.tasks API through the django-tasks backport: Django 6's core
# `django.tasks` needs Python 3.12). Default: the database queue, worked by `manage.py db_worker`.
# TASK_BACKEND=rq: Redis queues (RQ) for workers on many machines, worked by
# `manage.py rqworker --with-scheduler --job-class django_tasks_rq.Job <queues>` (docs/scanning.md).
TASK_BACKENDS = {"database": "django_tasks_db.DatabaseBackend", "rq": "django_tasks_rq.RQBackend"}
TASK_BACKEND = env.str("TASK_BACKEND", default="django_tasks_db.DatabaseBackend")
TASK_BACKEND = TASK_BACKENDS.get(TASK_BACKEND.lower(), TASK_BACKEND)  # a short name or a dotted path
TASKS = {
    "default": {
        "BACKEND": TASK_BACKEND,
        "QUEUES": [],  # database: any queue name (one per scanner); rq: every queue of RQ_QUEUES
    }
}
REDIS_URL = env.str("REDIS_URL", default="redis://localhost:6379/0")
# RQ queues: "default" plus the scanners' queues (Scanner.queue_name; the built-in one is "scans").
RQ_QUEUES = {
    name: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": env.int("RQ_JOB_TIMEOUT", default=24 * 3600)}  # seconds a job may run
    for name in env.list("RQ_QUEUE_NAMES", default=["default", "scans"])
}
if TASK_BACKEND == TASK_BACKENDS["rq"]:
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]

# Authentication knobs (conventions.md).
JWT_TTL = timedelta(seconds=env.int("JWT_TTL", default=24 * 3600))
JWT_SECRET = env.str("JWT_SECRET", default=SECRET_KEY)
# Key of the HMAC under which API keys and access tokens are stored (changing it invalidates them).
TOKEN_HASH_KEY = env.str("TOKEN_HASH_KEY", default=SECRET_KEY)
API_KEY_REQUIRED = env.bool("API_KEY_REQUIRED", default=True)
API_KEY_LAST_USED_RESOLUTION = env.int("API_KEY_LAST_USED_RESOLUTION", default=60)  # seconds
SIGN_IN_MAX_FAILURES = env.int("SIGN_IN_MAX_FAILURES", default=5)  # per username, then lockout
SIGN_IN_LOCKOUT = timedelta(seconds=env.int("SIGN_IN_LOCKOUT", default=15 * 60))
SIGN_IN_IP_MAX_FAILURES = env.int("SIGN_IN_IP_MAX_FAILURES", default=20)  # per client address
SIGN_IN_FAILURE_WINDOW = env.int("SIGN_IN_FAILURE_WINDOW", default=15 * 60)  # seconds
SITE_URL = env.str("SITE_URL", default="http://localhost:8000")
STAFF_ORGANIZATION_NAME = env.str("STAFF_ORGANIZATION_NAME", default="Platform Staff")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}

# --- Identity: two-factor, e-mailed tokens, impersonation (docs/identity.md) ---
# Key(s) encrypting TOTP secrets at rest. A Fernet key (44 url-safe base64 characters) is used
# as is; any other text is stretched into one. Comma-separate several to rotate keys (the first
# encrypts, all decrypt). Default: derived from DJANGO_SECRET_KEY.
FIELD_ENCRYPTION_KEY = env.list("FIELD_ENCRYPTION_KEY", default=[])
OTP_ISSUER = env.str("OTP_ISSUER", default="CG Scanning")  # the name authenticator apps show
OTP_SESSION_TTL = timedelta(seconds=env.int("OTP_SESSION_TTL", default=5 * 60))
OTP_SESSION_MAX_ATTEMPTS = env.int("OTP_SESSION_MAX_ATTEMPTS", default=5)
SMS_CODE_TTL = timedelta(seconds=env.int("SMS_CODE_TTL", default=5 * 60))
SMS_CODE_MAX_ATTEMPTS = env.int("SMS_CODE_MAX_ATTEMPTS", default=5)
SMS_RESEND_INTERVAL = env.int("SMS_RESEND_INTERVAL", default=30)  # seconds between codes
# SMS backends, chosen like EMAIL_BACKEND: accounts.sms.backends.{console,file,locmem,http}.SmsBackend
SMS_BACKEND = env.str("SMS_BACKEND", default="accounts.sms.backends.console.SmsBackend")
SMS_FILE_PATH = env.path("SMS_FILE_PATH", default=BASE_DIR / "sms-outbox")
SMS_SENDER = env.str("SMS_SENDER", default="CGScan")
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_USERNAME = env.str("SMS_GATEWAY_USERNAME", default="")
SMS_GATEWAY_PASSWORD = env.str("SMS_GATEWAY_PASSWORD", default="")
SMS_GATEWAY_TOKEN = env.str("SMS_GATEWAY_TOKEN", default="")  # sent as Authorization: Bearer
SMS_GATEWAY_TIMEOUT = env.float("SMS_GATEWAY_TIMEOUT", default=10.0)
# Lifetimes of the e-mailed single-use tokens.
CONFIRMATION_TOKEN_TTL = timedelta(seconds=env.int("CONFIRMATION_TOKEN_TTL", default=3 * 24 * 3600))
INVITATION_TOKEN_TTL = timedelta(seconds=env.int("INVITATION_TOKEN_TTL", default=7 * 24 * 3600))
PASSWORD_RESET_TOKEN_TTL = timedelta(seconds=env.int("PASSWORD_RESET_TOKEN_TTL", default=3600))
SSO_LINK_TTL = timedelta(seconds=env.int("SSO_LINK_TTL", default=15 * 60))
IDENTITY_EMAIL_COOLDOWN = env.int("IDENTITY_EMAIL_COOLDOWN", default=60)  # seconds between mails
# Links put in the e-mails ({token} is replaced); point them at your front end.
CONFIRMATION_URL = env.str("CONFIRMATION_URL", default=SITE_URL + "/auth/confirmation?confirmation_token={token}")
INVITATION_URL = env.str("INVITATION_URL", default=SITE_URL + "/auth/invitation?invitation_token={token}")
PASSWORD_RESET_URL = env.str("PASSWORD_RESET_URL", default=SITE_URL + "/auth/password?reset_password_token={token}")
SSO_LINK_URL = env.str("SSO_LINK_URL", default=SITE_URL + "/auth/sso_link?token={token}")
IMPERSONATION_TTL = timedelta(seconds=env.int("IMPERSONATION_TTL", default=3600))

# --- Scan runs (scanning.md, lifecycle) ---
SCAN_HEARTBEAT_INTERVAL = env.int("SCAN_HEARTBEAT_INTERVAL", default=5)  # seconds between worker heartbeats
SCAN_HEARTBEAT_TIMEOUT = env.int("SCAN_HEARTBEAT_TIMEOUT", default=120)  # seconds: then the reconciler interrupts
SCAN_QUEUE_TIMEOUT = env.int("SCAN_QUEUE_TIMEOUT", default=6 * 3600)  # seconds a run may wait for a worker
SCHEDULER_TICK_SECONDS = env.int("SCHEDULER_TICK_SECONDS", default=15)
SCAN_USE_NMAP = env.bool("SCAN_USE_NMAP", default=True)  # use nmap for -sn / -sV when installed

# --- Scanning: target parsing (scanning/targets.py) ---
# Networks no target may reach, comma-separated CIDRs. Unset: the defaults (loopback, 0.0.0.0/8
# and ::, link-local, cloud metadata addresses and this machine's own addresses); the word
# `default` in the list stands for them ("default,10.0.0.0/8"). An EMPTY value blocks nothing
# (tests and the demo scan 127.0.0.1). Read from os.environ directly: django-environ turns an
# empty value into the default, which would lose the difference between unset and empty.
SCAN_BLOCKED_NETWORKS = env.ENVIRON.get("SCAN_BLOCKED_NETWORKS")  # None (unset) → the defaults
# Scanner hosts (gvm) go through the webhooks' network guard: private and loopback hosts are
# refused unless allowed here (a Greenbone scanner inside your network); metadata addresses never.
SCANNER_ALLOW_PRIVATE_HOSTS = env.bool("SCANNER_ALLOW_PRIVATE_HOSTS", default=False)
# Hard cap on the addresses one target expands to (counted before anything is expanded).
SCAN_MAX_TARGET_ADDRESSES = env.int("SCAN_MAX_TARGET_ADDRESSES", default=65536)
VULN_FEED_PATH = env.path("VULN_FEED_PATH", default=BASE_DIR / "var" / "vuln-feed.sqlite3")  # import_vuln_feed writes, checks read

# --- Events: audit trail, notifications, webhooks, white-label branding (docs/events.md) ---
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=365)  # `manage.py prune_audit` deletes older
AUDIT_PRUNE_BATCH_SIZE = env.int("AUDIT_PRUNE_BATCH_SIZE", default=5000)  # rows per DELETE
PCI_SCAN_WINDOW_DAYS = env.int("PCI_SCAN_WINDOW_DAYS", default=90)  # overdue_pci_reminder: quarterly window
# Webhooks: private and loopback targets are refused unless allowed (self-hosted installs, tests);
# cloud metadata addresses are refused whatever this says.
WEBHOOK_ALLOW_PRIVATE_TARGETS = env.bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", default=False)
WEBHOOK_CONNECT_TIMEOUT = env.float("WEBHOOK_CONNECT_TIMEOUT", default=5.0)  # seconds
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=10.0)  # seconds, the whole answer
# Seconds before each retry of a failed delivery (3 retries: 1 min, 5 min, 30 min).
WEBHOOK_RETRY_DELAYS = [int(s) for s in env.list("WEBHOOK_RETRY_DELAYS", default=["60", "300", "1800"])]
WEBHOOK_DISABLE_AFTER = timedelta(seconds=env.int("WEBHOOK_DISABLE_AFTER", default=24 * 3600))  # failing → disabled
WEBHOOK_USER_AGENT_VERSION = env.str("WEBHOOK_USER_AGENT_VERSION", default="")  # default: the git short hash
WHITELABEL_LOGO_MAX_BYTES = env.int("WHITELABEL_LOGO_MAX_BYTES", default=512 * 1024)
WHITELABEL_DEFAULT_COMPANY_NAME = env.str("WHITELABEL_DEFAULT_COMPANY_NAME", default="CG Scanning")
