"""The tracker's settings: the one place that reads the environment.

Every variable is listed, with its meaning, in `.env.example`. Development defaults (SQLite, an
embedded broker, a throwaway secret) need no server; `manage.py check --deploy` warns when a
production process runs on one of them.
"""

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from tracker.storage_config import storage_from_url

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

TRACKER_ENV = env.str("TRACKER_ENV", default="production")
if TRACKER_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("TRACKER_ENV must be 'development' or 'production'.")
DEVELOPMENT = TRACKER_ENV == "development"

DATA_DIR = Path(env.str("DATA_DIR", default=str(BASE_DIR / "data")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEV_SECRET_KEY = "development-only-secret-key-never-use-in-production"  # noqa: S105 (dev default)
SECRET_KEY = env.str("SECRET_KEY", default=DEV_SECRET_KEY if DEVELOPMENT else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY is required outside development (TRACKER_ENV).")

# Off by default even in development: `make run` is someone's first look at the site, which
# should show its own error pages, not Django's debug pages listing every URL. Errors still go
# to the console with their tracebacks; DEBUG=true brings the debug pages back.
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEVELOPMENT else []
)
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required outside development (TRACKER_ENV).")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The domain part of the UIDs in exported calendars (session-<id>@<domain>), so two sites' events
# never collide in a calendar client. Keep it once people subscribe: a new one re-adds every event.
CALENDAR_UID_DOMAIN = env.str(
    "CALENDAR_UID_DOMAIN",
    default=next((h.strip(".") for h in ALLOWED_HOSTS if h.strip(".*")), "tracker.invalid"),
)

# HTTPS hardening, on by default in production. Behind a TLS-terminating proxy, set
# SECURE_PROXY_SSL_HEADER so Django knows the original request was HTTPS.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEVELOPMENT)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEVELOPMENT)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEVELOPMENT else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies of ours stand in front of the web process. Each appends the address it got a
# request from to X-Forwarded-For, so the client is that many entries from the right; with 0,
# the header is ignored (anyone can write it) and the client is REMOTE_ADDR. The login limit and
# the API's throttles both count by this address.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "tracker",
    "sessions.apps.SessionsConfig",
    "readings.apps.ReadingsConfig",
    "notebooks.apps.NotebooksConfig",
    "study.apps.StudyConfig",
    "meaning.apps.MeaningConfig",
]

MIDDLEWARE = [
    "tracker.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Above whitenoise, so static files carry the policies too (tracker/security_headers.py).
    "csp.middleware.CSPMiddleware",
    "tracker.security_headers.SecurityHeadersMiddleware",
    # NUL or non-UTF-8 in the address: a 400 before anything reads it (tracker/request_guard.py).
    "tracker.request_guard.RequestGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tracker.middleware.ProfileTimeZoneMiddleware",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

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
            # Search's lists by meaning, for the apps' pages (which never import search).
            "libraries": {"related": "tracker.search.related_tags"},
        },
    },
]

SQLITE_DEFAULT_URL = f"sqlite:///{DATA_DIR / 'tracker.sqlite3'}"
DATABASES = {"default": env.db("DATABASE_URL", default=SQLITE_DEFAULT_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker write while the web process reads; the timeout rides out short locks,
    # and IMMEDIATE transactions take the write lock up front, so a transaction that reads and
    # then writes never fails with "database is locked" when the worker wrote in between.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )
    # A file, not memory, for the test database, so a Celery worker started by the worker tests
    # opens the same database as the tests; one per test process, so two runs never share it.
    DATABASES["default"].setdefault("TEST", {}).setdefault(
        "NAME", str(DATA_DIR / f"test-tracker-{os.getpid()}.sqlite3")
    )
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The login limit comes first: it refuses a locked attempt before any password is checked.
AUTHENTICATION_BACKENDS = [
    "tracker.login_limits.LoginLimitBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "tracker" / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request without it
WHITENOISE_USE_FINDERS = DEVELOPMENT  # serve straight from the app folders while developing
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(DATA_DIR / "media")))
# Uploaded notebooks and run outputs: the media folder by default, or a shared S3-compatible store
# (ARTIFACT_STORAGE_URL) so GPU workers on other machines store outputs the web process serves.
ARTIFACT_STORAGE_URL = env.str("ARTIFACT_STORAGE_URL", default="")
STORAGES = {
    "default": (
        storage_from_url(
            ARTIFACT_STORAGE_URL,
            access_key=env.str("ARTIFACT_STORAGE_ACCESS_KEY", default=""),
            secret_key=env.str("ARTIFACT_STORAGE_SECRET_KEY", default=""),
        )
        if ARTIFACT_STORAGE_URL
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEVELOPMENT
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Celery: an embedded SQLite broker by default, so a worker runs with no server installed;
# redis:// and amqp:// URLs work the same.
CELERY_DEFAULT_BROKER_URL = f"sqla+sqlite:///{DATA_DIR / 'celery-broker.sqlite3'}"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=CELERY_DEFAULT_BROKER_URL)
CELERY_TASK_IGNORE_RESULT = True  # outcomes live on our own rows, not in a result backend
CELERY_TASK_DEFAULT_QUEUE = "cpu"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Notebook runs (the notebooks app). A notebook is arbitrary code: only organizers add and run one.
NOTEBOOK_KERNEL = env.str("NOTEBOOK_KERNEL", default="python3")
NOTEBOOK_KERNELS = env.list("NOTEBOOK_KERNELS", default=[NOTEBOOK_KERNEL])  # allowed at upload
NOTEBOOK_MAX_UPLOAD_BYTES = env.int("NOTEBOOK_MAX_UPLOAD_BYTES", default=5 * 1024 * 1024)
NOTEBOOK_DEFAULT_TIME_LIMIT = env.int("NOTEBOOK_DEFAULT_TIME_LIMIT", default=600)  # seconds
NOTEBOOK_MAX_TIME_LIMIT = env.int("NOTEBOOK_MAX_TIME_LIMIT", default=3600)
NOTEBOOK_START_TIMEOUT = env.int("NOTEBOOK_START_TIMEOUT", default=60)  # kernel start-up
# Sweeps (many runs of one notebook): how many of a sweep's runs are on the workers at once
# unless its starter says otherwise, and how many runs one sweep may have.
NOTEBOOK_SWEEP_CONCURRENCY = env.int("NOTEBOOK_SWEEP_CONCURRENCY", default=2)
NOTEBOOK_SWEEP_MAX_RUNS = env.int("NOTEBOOK_SWEEP_MAX_RUNS", default=100)
# Whether a worker consumes the `gpu` queue: "yes", "no", or "auto" (ask the workers online;
# when the broker cannot tell, a run keeps its notebook's queue). Without one, a sweep of a
# GPU-queue notebook runs on the `cpu` queue instead of waiting for a worker that never comes.
NOTEBOOK_GPU_WORKERS = env.str("NOTEBOOK_GPU_WORKERS", default="auto")
# After an interrupt, how long a cell has to stop before its kernel is killed.
NOTEBOOK_STOP_GRACE_SECONDS = env.float("NOTEBOOK_STOP_GRACE_SECONDS", default=3.0)
# A running run writes a heartbeat; the reaper treats one silent this long as lost, and
# requeues it until it has had RUN_MAX_ATTEMPTS attempts, then marks it failed.
RUN_HEARTBEAT_SECONDS = env.float("RUN_HEARTBEAT_SECONDS", default=5.0)
RUN_LOST_AFTER_SECONDS = env.float("RUN_LOST_AFTER_SECONDS", default=60.0)
RUN_MAX_ATTEMPTS = env.int("RUN_MAX_ATTEMPTS", default=2)
RUN_REAPER_INTERVAL_SECONDS = env.float("RUN_REAPER_INTERVAL_SECONDS", default=60.0)
# Each attempt's temporary folder lies under <this>/<host name>; empty for the system's temp dir
# (a folder of a killed attempt is swept away later: notebooks/folders.py).
RUN_TEMP_ROOT = env.str("RUN_TEMP_ROOT", default="")
# Celery's own limits sit above a notebook's limit (kernel start and artifact export on top),
# and the broker's visibility timeout above the hard limit, so a long run is never redelivered
# while it still runs.
RUN_TASK_MARGIN_SECONDS = NOTEBOOK_START_TIMEOUT + 120
CELERY_TASK_SOFT_TIME_LIMIT = NOTEBOOK_MAX_TIME_LIMIT + RUN_TASK_MARGIN_SECONDS
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 60
if CELERY_BROKER_URL.startswith(("redis://", "rediss://", "sqs://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 600}
# (The SQLite broker hands its options to SQLAlchemy's create_engine, so it gets none. With
# RabbitMQ, its consumer_timeout must exceed CELERY_TASK_TIME_LIMIT.)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_CONCURRENCY = env.int("CELERY_WORKER_CONCURRENCY", default=1)  # one run at a time
CELERY_BEAT_SCHEDULE = {
    "reap-lost-runs": {
        "task": "sessions.reap_lost_runs",
        "schedule": RUN_REAPER_INTERVAL_SECONDS,
        # Its own queue and worker: a tick never waits behind an hour-long notebook.
        "options": {"queue": "maintenance", "expires": RUN_REAPER_INTERVAL_SECONDS},
    },
}

# Search by meaning (the meaning app). Saves queue their embedding on MEANING_QUEUE: `embeddings`
# (a worker of its own, never behind a notebook), or `gpu` where a GPU worker runs. Past
# MEANING_EXACT_SEARCH_MAX vectors the worker keeps an index file in MEANING_INDEX_DIR, rebuilt
# once MEANING_INDEX_REBUILD_AFTER rows changed since it was built (those are searched exactly
# beside it meanwhile).
MEANING_QUEUE = env.str("MEANING_QUEUE", default="embeddings")
MEANING_EMBED_ON_SAVE = env.bool("MEANING_EMBED_ON_SAVE", default=True)
MEANING_INDEX_DIR = Path(env.str("MEANING_INDEX_DIR", default=str(DATA_DIR / "meaning")))
MEANING_EXACT_SEARCH_MAX = env.int("MEANING_EXACT_SEARCH_MAX", default=5000)
MEANING_INDEX_REBUILD_AFTER = env.int("MEANING_INDEX_REBUILD_AFTER", default=1000)
CELERY_BEAT_SCHEDULE["embed-stale"] = {
    # After a new model is deployed, its vectors are recomputed a batch at a time.
    "task": "meaning.embed_pending",
    "schedule": 600,
    "options": {"queue": MEANING_QUEUE, "expires": 600},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")

# The API (/api/v1/): token auth for scripts, session auth (with CSRF) for the browser. Token
# comes first so an anonymous request is told 401 with `WWW-Authenticate: Token`.
# Throttle rates are "<number>/<second|minute|hour|day>"; the counts live in the default cache.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "tracker.api.schema.TrackerAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "tracker.api.pagination.TrackerPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "tracker.api.filters.DocumentedOrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "tracker.api.throttling.AnonymousRateThrottle",
        "tracker.api.throttling.SignedInRateThrottle",
    ],
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="100/minute"),
        "user": env.str("API_THROTTLE_USER", default="1000/minute"),
        "token": env.str("API_THROTTLE_TOKEN", default="10/minute"),
    },
    "DEFAULT_RENDERER_CLASSES": [
        "tracker.api.renderers.JSONRenderer",
        "tracker.api.renderers.BrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "tracker.api.exceptions.api_exception_handler",
    # DRF's own three, with our JSON parser (its nesting depth is bounded) in place of DRF's.
    "DEFAULT_PARSER_CLASSES": [
        "tracker.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tracker API",
    "DESCRIPTION": (
        "Courses, sessions, reflections, readings, the glossary and notes. Send "
        "`Authorization: Token <token>` (from POST /api/v1/auth/token/). An object you may not "
        "see answers 404; unknown fields in a request body answer 400."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CourseKindEnum": "sessions.models.Course.Kind",
        "CourseVisibilityEnum": "sessions.models.Course.CourseVisibility",
        "MembershipRoleEnum": "sessions.models.Membership.Role",
        "SessionStatusEnum": "sessions.models.Session.Status",
        "SessionReadingRoleEnum": "sessions.models.SessionReading.Role",
        "ReadingKindEnum": "readings.models.Reading.Kind",
        "ReadingStatusEnum": "readings.models.ReadingStatus.Status",
        "WritingVisibilityEnum": "tracker.visibility.Visibility",
        "HighlightVisibilityEnum": "readings.api.serializers.HIGHLIGHT_VISIBILITIES",
        "RunStatusEnum": "notebooks.models.Run.Status",
        "SweepKindEnum": "notebooks.models.Sweep.Kind",
        "SweepStatusEnum": "notebooks.api.sweeps.SWEEP_STATUSES",
        "CardKindEnum": "study.models.Card.Kind",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Content-Security-Policy on every answer (django-csp): scripts and styles only from our own
# files, so injected markup can run nothing; htmx is configured in base.html not to need
# inline styles or eval. Images may also come from https: because user markdown may embed one.
# Notebook artifacts set their own sandbox policy, which this one never overwrites.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "https:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "frame-src": ["'self'"],  # the sandboxed iframe that shows a notebook's HTML
    }
}

# Caches: per process by default; a shared one (redis://...) lets the login limit count
# attempts across web processes (`check --deploy` warns in production when it is per process).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# Failed sign-ins, through any door, allowed per account and (many more) per client address
# within the window (seconds); tracker/login_limits.py states the policy.
LOGIN_ATTEMPTS_LIMIT = env.int("LOGIN_ATTEMPTS_LIMIT", default=5)
LOGIN_ADDRESS_ATTEMPTS_LIMIT = env.int("LOGIN_ADDRESS_ATTEMPTS_LIMIT", default=50)
LOGIN_ATTEMPTS_WINDOW = env.int("LOGIN_ATTEMPTS_WINDOW", default=900)

# Outgoing email (course invitations): printed on the console in development; in production an
# SMTP server, e.g. smtp+tls://user:password@smtp.example.org:587 (django-environ's URL forms).
EMAIL_CONFIG = env.email_url(
    "EMAIL_URL", default="consolemail://" if DEVELOPMENT else "smtp://localhost:25"
)
vars().update(EMAIL_CONFIG)
DEV_DEFAULT_FROM_EMAIL = "Tracker <tracker@localhost>"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=DEV_DEFAULT_FROM_EMAIL)

# Logs go to stdout; as JSON lines in production (LOG_FORMAT=json), readable text in development.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEVELOPMENT else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
