"""OMS settings — twelve-factor: everything that differs between deployments comes from the
environment (see .env.example, which documents every variable)."""

import hashlib
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)
TESTING = env.bool("OMS_TESTING", default=False)

if DEBUG:
    # Development only; production (DJANGO_DEBUG=false) refuses to start without a real key.
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="dev-only-not-secret-oms-" + "x" * 40)
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_filters",
    "django_htmx",
    "simple_history",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "oms",
    "inventory",
    "customers",
    "orders",
    "payments",
    "returns",
    "reports",
    "integrations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "oms.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "oms.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "oms.middleware.DomainErrorMiddleware",
    # Axes must be last: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "oms.urls"
WSGI_APPLICATION = "oms.wsgi.application"
ASGI_APPLICATION = "oms.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "oms.context_processors.surface",
            ],
        },
    },
]

# --- Database: PostgreSQL through psycopg 3 with Django's connection pool -------------------
DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/oms")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# PostgreSQL's JIT compiles expensive-looking plans: tens of ms lost on every page that
# aggregates a few thousand rows, for nothing an OLTP query needs. Off unless asked for.
if not env.bool("DATABASE_JIT", default=False):
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# Server-side binding lets psycopg prepare statements a connection repeats (after 5 runs): the
# planner's work is done once per process instead of on every order. PgBouncer in transaction
# mode cannot carry prepared statements: turn it off there.
if env.bool("DATABASE_SERVER_SIDE_BINDING", default=True):
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True
if env.bool("DATABASE_POOL", default=True):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN", default=1),
        "max_size": env.int("DATABASE_POOL_MAX", default=10),
        "timeout": env.int("DATABASE_POOL_TIMEOUT", default=10),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache and Celery ---------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="oms"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Per-process copies of rendered fragments that depend only on code and the language (the
# console sidebar per role): no network round trip, nothing to invalidate but a deploy.
CACHES["local"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "oms-local"}

# Embedded mode: with no Redis, Celery runs every task in-process, right away.
CELERY_EMBEDDED = not REDIS_URL
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = CELERY_EMBEDDED or env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# In-process, a task's own failure (an unreachable SMTP server, say) is logged by Celery like a
# worker's would be, never raised into the request whose change already committed; the tests
# let it propagate so that a failing task fails its test.
CELERY_TASK_EAGER_PROPAGATES = env.bool("CELERY_TASK_EAGER_PROPAGATES", default=TESTING)
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="oms")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = timedelta(hours=6)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
# Heavy report runs get their own queue, so a big export never delays notifications or
# reservations; run a worker for it with `-Q reports` (or `-Q oms,reports` on one machine).
CELERY_REPORTS_QUEUE = env.str("CELERY_REPORTS_QUEUE", default="reports")
CELERY_TASK_ROUTES = {"reports.tasks.*": {"queue": CELERY_REPORTS_QUEUE}}
CELERY_BEAT_SCHEDULE = {
    "inventory-replenishment": {
        "task": "inventory.tasks.run_replenishment",
        "schedule": env.int("REPLENISHMENT_INTERVAL_SECONDS", default=30 * 60),
    },
    "orders-reallocate-backorders": {"task": "orders.tasks.reallocate_backorders", "schedule": 10 * 60},
    "orders-check-sla": {"task": "orders.tasks.check_sla", "schedule": 15 * 60},
    "inventory-release-expired-reservations": {
        "task": "inventory.tasks.release_expired_reservations",
        "schedule": 5 * 60,
    },
    "customers-ticket-sla": {"task": "customers.tasks.check_ticket_sla", "schedule": 10 * 60},
    "payments-reminders": {"task": "payments.tasks.payment_reminders", "schedule": 24 * 60 * 60},
}

# --- Auth ------------------------------------------------------------------------------------
AUTH_USER_MODEL = "oms.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "console:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): lock a username+IP pair after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "oms.views.locked_out"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)

# --- I18N / time -----------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env.str("OMS_TIME_ZONE", default="Asia/Shanghai")
USE_TZ = True
OMS_DEFAULT_CURRENCY = env.str("OMS_DEFAULT_CURRENCY", default="CNY")

# --- Static and media: everything vendored, served by WhiteNoise ------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- E-mail (Django's MAILERS) -----------------------------------------------------------------
# EMAIL_BACKEND picks the backend: console (development default), file, smtp (production default).
_email_backend = env.str("EMAIL_BACKEND", default="console" if DEBUG else "smtp")
_email_backends = {
    "console": ("django.core.mail.backends.console.EmailBackend", {}),
    "file": ("django.core.mail.backends.filebased.EmailBackend",
             {"file_path": env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / ".local" / "mail"))}),
    "smtp": ("django.core.mail.backends.smtp.EmailBackend", {
        "host": env.str("EMAIL_HOST", default="localhost"),
        "port": env.int("EMAIL_PORT", default=25),
        "username": env.str("EMAIL_HOST_USER", default=""),
        "password": env.str("EMAIL_HOST_PASSWORD", default=""),
        "use_tls": env.bool("EMAIL_USE_TLS", default=False),
        "timeout": 20,
    }),
    "locmem": ("django.core.mail.backends.locmem.EmailBackend", {}),
}
if _email_backend not in _email_backends:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"EMAIL_BACKEND must be one of {sorted(_email_backends)}, not {_email_backend!r}")
MAILERS = {"default": {"BACKEND": _email_backends[_email_backend][0], "OPTIONS": _email_backends[_email_backend][1]}}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="OMS <oms@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security ----------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
# With Redis, sessions are read from the cache on every page and written through to the
# database, so a Redis restart signs nobody out: one query fewer per request than the plain db
# backend. Without it the cache is per process, where a sign-out would linger in the others.
SESSION_ENGINE = "django.contrib.sessions.backends." + ("cached_db" if REDIS_URL else "db")
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    # Secure cookies need HTTPS; DJANGO_SECURE_COOKIES=false only for plain-HTTP local trials.
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Logging: one JSON-ish line per record to stdout ---------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "structured": {
            "format": '{"time": "%(asctime)s", "level": "%(levelname)s", "logger": "%(name)s", "message": "%(message)s"}',
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Project ------------------------------------------------------------------------------------
OMS_COMPANY_NAME = env.str("OMS_COMPANY_NAME", default="OMS Demo Distribution Co.")
# Where people reach this OMS: links in e-mails are made absolute with it.
PREPAID_RESERVATION_HOURS = env.int("PREPAID_RESERVATION_HOURS", default=48)
# Days after delivery (or shipping, without a delivery record) a dealer may ask to return goods.
RETURN_WINDOW_DAYS = env.int("RETURN_WINDOW_DAYS", default=30)
OMS_BASE_URL = env.str("OMS_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- Payments -----------------------------------------------------------------------------------
# Gateways offered to dealers (payments/gateways/): "sandbox" (offline hosted page) and "stripe".
PAYMENTS_GATEWAYS = env.list("PAYMENTS_GATEWAYS", default=["sandbox"])
# HMAC-SHA256 secret the sandbox gateway signs its callbacks with; derived from SECRET_KEY by default.
PAYMENTS_SANDBOX_SECRET = env.str("PAYMENTS_SANDBOX_SECRET", default="") or hashlib.sha256(
    ("oms.payments.sandbox:" + SECRET_KEY).encode()).hexdigest()
STRIPE_API_KEY = env.str("STRIPE_API_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
if "stripe" in PAYMENTS_GATEWAYS:
    # the portal's Pay form answers with a redirect to Stripe Checkout; browsers apply
    # form-action to redirects after a form submission too
    SECURE_CSP["form-action"] = [*SECURE_CSP["form-action"], "https://checkout.stripe.com"]
# Days past due after which a customer with unpaid invoices is put on credit hold (0: never).
PAYMENTS_CREDIT_HOLD_DAYS = env.int("PAYMENTS_CREDIT_HOLD_DAYS", default=0)

# --- Reports (issue #7) ---------------------------------------------------------------------------
# Generated report files are kept (and downloadable) for this many days, then deleted.
REPORTS_KEEP_DAYS = env.int("REPORTS_KEEP_DAYS", default=30)
CELERY_BEAT_SCHEDULE["reports-run-schedules"] = {"task": "reports.tasks.run_due_schedules", "schedule": 5 * 60}
CELERY_BEAT_SCHEDULE["reports-delete-expired"] = {"task": "reports.tasks.delete_expired_runs", "schedule": 60 * 60}
# The daily sales rollup follows order events; nightly (18:30 UTC = 02:30 China time, beat runs
# in UTC) the last 7 days are rebuilt from the raw lines as a safety net, on the reports queue.
CELERY_BEAT_SCHEDULE["reports-rebuild-sales-rollup"] = {
    "task": "reports.tasks_rollup.rebuild_sales_rollup", "kwargs": {"days": 7},
    "schedule": crontab(hour=18, minute=30), "options": {"queue": CELERY_REPORTS_QUEUE},
}
# A read replica for report queries (reports/routers.py): reads made while a report computes go
# there; every write, and everything else, stays on "default".
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    DATABASES["replica"]["OPTIONS"] = {**DATABASES["default"].get("OPTIONS", {}),
                                       **DATABASES["replica"].get("OPTIONS", {})}
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"].get("CONN_MAX_AGE", 0)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["reports.routers.ReportingRouter"]

# --- REST API (issue #8) ----------------------------------------------------------------------------
# Django REST framework + drf-spectacular; bearer tokens of integrations.ApiClient, scopes per view,
# a per-client rate limit in the default cache, cursor pagination, one JSON error shape.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["integrations.api.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["integrations.api.permissions.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["integrations.api.throttling.ApiClientRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "integrations.api.pagination.ApiCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "integrations.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "OMS API",
    "DESCRIPTION": "REST API v1 for web shops, marketplaces, ERP and WMS. Authenticate with "
                   "`Authorization: Bearer <token>`; each client holds scopes. Errors always look like "
                   '`{"error": {"code": "...", "message": "...", "fields": {"field": ["..."]}}}`.',
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "integrations.api.schema.add_error_responses"],
    # Swagger UI from drf-spectacular-sidecar (served by whitenoise: no CDN, CSP 'self')
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": False, "displayOperationId": False},
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "orders.models.Status",
        "ShipmentStatusEnum": "orders.models.Shipment.Status",
        "PaymentStatusEnum": "payments.models.PaymentStatus",
        "ReturnStatusEnum": "returns.models.Status",
        "CustomerStatusEnum": "customers.models.Company.Status",
    },
}
INSTALLED_APPS += ["drf_spectacular_sidecar"]  # the static files of Swagger UI

# --- Webhooks, channels and SMS (issue #8) -----------------------------------------------------------
# Attempts per webhook delivery before it is marked failed (staff can retry it by hand).
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
# Backoff after failed attempt n: WEBHOOK_RETRY_BASE_SECONDS * 2^(n-1), at most WEBHOOK_RETRY_MAX_SECONDS, ±20 % jitter.
WEBHOOK_RETRY_BASE_SECONDS = env.int("WEBHOOK_RETRY_BASE_SECONDS", default=60)
WEBHOOK_RETRY_MAX_SECONDS = env.int("WEBHOOK_RETRY_MAX_SECONDS", default=6 * 60 * 60)
WEBHOOK_TIMEOUT_SECONDS = 10
# Allow webhook URLs on loopback/private/reserved addresses (local receivers in development);
# off in production so an admin-typed URL cannot reach internal services. Default: DJANGO_DEBUG.
WEBHOOK_ALLOW_PRIVATE_TARGETS = env.bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", default=DEBUG)
# A claimed delivery whose worker dies becomes due again after this lease (must exceed the timeout).
WEBHOOK_LEASE_SECONDS = env.int("WEBHOOK_LEASE_SECONDS", default=120)
CELERY_BEAT_SCHEDULE["integrations-deliver-webhooks"] = {"task": "integrations.tasks.deliver_due_webhooks", "schedule": 60}
# Days delivered webhook events are kept in the outbox (and the delivery log) before the daily purge.
WEBHOOK_KEEP_DAYS = env.int("WEBHOOK_KEEP_DAYS", default=30)
CELERY_BEAT_SCHEDULE["integrations-purge-webhook-events"] = {
    "task": "integrations.tasks.purge_webhook_events", "schedule": 24 * 60 * 60}
# SMS provider: console (log), locmem, disabled, http (SMS_HTTP_URL + SMS_HTTP_TOKEN) or a dotted class path.
SMS_BACKEND = env.str("SMS_BACKEND", default="console")
SMS_HTTP_URL = env.str("SMS_HTTP_URL", default="")
SMS_HTTP_TOKEN = env.str("SMS_HTTP_TOKEN", default="")


# --- Imports and exports (issue #8) ----------------------------------------------------------------
# Files of at most this many rows are checked and applied in the request; larger ones by Celery.
IMPORT_SYNC_MAX_ROWS = env.int("IMPORT_SYNC_MAX_ROWS", default=500)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=50000)
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_MB", default=10) * 1024 * 1024
# A check or apply whose Celery task has not finished after this long was lost (broker restarted,
# worker died): beat queues it again (integrations.imports.services.requeue_stuck_jobs).
IMPORT_STUCK_MINUTES = env.int("IMPORT_STUCK_MINUTES", default=30)
CELERY_BEAT_SCHEDULE["integrations-requeue-stuck-imports"] = {
    "task": "integrations.imports.tasks.requeue_stuck_imports", "schedule": 10 * 60}
# the import tasks live in integrations/imports/tasks.py, which autodiscovery does not reach
CELERY_IMPORTS = ["integrations.imports.tasks"]
