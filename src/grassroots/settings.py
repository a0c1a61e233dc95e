"""Django settings. Everything deployment-specific comes from the environment or `.env`.

`.env` is looked up in GRASSROOTS_HOME (default: the current directory). The default is production: DEBUG off,
secure cookies, HSTS and HTTPS redirect, and every key must be given. GRASSROOTS_ENV=development (what `make run`
and the test suite set) turns DEBUG on, serves plain http and creates `.env` with fresh keys on first run.
docs/operations.md lists the variables.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from dotenv import load_dotenv

from grassroots.core.envfile import ensure_dev_env

PACKAGE_DIR = Path(__file__).resolve().parent
HOME = Path(os.environ.get("GRASSROOTS_HOME", Path.cwd())).resolve()
ENV_FILE = HOME / ".env"
GRASSROOTS_ENV = os.environ.get("GRASSROOTS_ENV", "production")
if GRASSROOTS_ENV not in ("production", "development"):
    raise ImproperlyConfigured(f"GRASSROOTS_ENV must be 'production' or 'development', not {GRASSROOTS_ENV!r}")
DEVELOPMENT = GRASSROOTS_ENV == "development"
if DEVELOPMENT:
    ensure_dev_env(ENV_FILE)
load_dotenv(ENV_FILE, override=False)


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set. In production every key comes from the environment or {ENV_FILE} "
            "(see docs/operations.md); for a local run set GRASSROOTS_ENV=development."
        )
    return value


def _csv(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = _required("GRASSROOTS_SECRET_KEY")
# Production never runs with DEBUG (it shows settings and code to anyone who triggers an error).
DEBUG = DEVELOPMENT and os.environ.get("GRASSROOTS_DEBUG", "1") == "1"
ALLOWED_HOSTS = _csv("GRASSROOTS_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEVELOPMENT else "")
if not DEVELOPMENT and (not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS):
    raise ImproperlyConfigured("GRASSROOTS_ALLOWED_HOSTS must list the site's host names (no '*') in production")
CSRF_TRUSTED_ORIGINS = _csv("GRASSROOTS_CSRF_TRUSTED_ORIGINS")

# Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (IPs or CIDR networks). From anyone
# else those headers are dropped (core/proxy.py), so a client can neither fake its address nor claim https.
TRUSTED_PROXIES = [ipaddress.ip_network(net, strict=False) for net in _csv("GRASSROOTS_TRUSTED_PROXIES")]

# Sent always, development included, so a page that breaks under them breaks on the developer's screen first.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # pages put the token in hx-headers from the template; no script reads the cookie
# No inline script, no eval: every script is a static file, data reaches it as json_script islands. Styles may
# be inline (style="" carries data-driven colours in several templates); CSS cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Production is served over https only (a local `make run` is plain http on 127.0.0.1, hence the switch).
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEVELOPMENT
SECURE_SSL_REDIRECT = not DEVELOPMENT and os.environ.get("GRASSROOTS_SSL_REDIRECT", "1") == "1"
SECURE_HSTS_SECONDS = 0 if DEVELOPMENT else int(os.environ.get("GRASSROOTS_HSTS_SECONDS", 365 * 24 * 3600))
SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("GRASSROOTS_HSTS_SUBDOMAINS", "1") == "1"
# Preloading is hard to undo (browsers ship the list), so it is the operator's explicit choice.
SECURE_HSTS_PRELOAD = os.environ.get("GRASSROOTS_HSTS_PRELOAD", "0") == "1"
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# A TLS-terminating proxy tells us the request was https; believed only from TRUSTED_PROXIES (core/proxy.py).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXIES else None

# Sessions end after idle time (accounts/sessions.py): 30 minutes for staff, who see personal data, a day for
# residents, who see only their own reports.
STAFF_IDLE_SECONDS = int(os.environ.get("GRASSROOTS_STAFF_IDLE_MINUTES", 30)) * 60
RESIDENT_IDLE_SECONDS = int(os.environ.get("GRASSROOTS_RESIDENT_IDLE_MINUTES", 24 * 60)) * 60
SESSION_COOKIE_AGE = RESIDENT_IDLE_SECONDS  # anonymous sessions (language, messages) too

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # Swagger UI from its own static files: no CDN, no inline script
    "csp",
    "axes",
    "grassroots.core",
    "grassroots.audit",
    "grassroots.notifications",
    "grassroots.areas",
    "grassroots.accounts",
    "grassroots.registry",
    "grassroots.cases",
    "grassroots.stats",
    "grassroots.portal",
    "grassroots.open311",
    "grassroots.sharing",
    "grassroots.risk",
    "grassroots.environment",
    "grassroots.cockpit",
    "grassroots.site",
    "grassroots.demo",
]

MIDDLEWARE = [
    "grassroots.core.request_id.RequestIdMiddleware",
    "grassroots.core.proxy.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "grassroots.accounts.sessions.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "grassroots.core.limits.RequestSizeMiddleware",  # 413 in __call__, before process_view (CSRF) reads a body
    "grassroots.core.middleware.DomainErrorMiddleware",
    "grassroots.accounts.navigation.ResidentsToPortalMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "grassroots.urls"
WSGI_APPLICATION = "grassroots.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "grassroots.core.context.site",
                "grassroots.accounts.context.nav",
            ],
        },
    },
]

# SQLite is the embedded default (WAL, so readers do not block the writer); DATABASE_URL selects PostgreSQL.
VAR_DIR = HOME / "var"
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "grassroots.sqlite3",
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
                    # Deleted or rewritten rows are zeroed, not left in free pages: personal data replaced by
                    # ciphertext (or deleted) must not survive in the file.
                    " PRAGMA secure_delete=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
            # A file, not :memory:, so the privacy tests can read the bytes on disk; one per process, so two
            # test runs on one machine never share (and destroy) each other's database.
            "TEST": {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Chinese first, English complete.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# set_language stores the choice in this cookie; LocaleMiddleware reads it on every request, pages and the
# JSON API alike (error messages follow it; the error `code` never does). It outlives the session, so a
# staff member logged out after 30 idle minutes keeps the language; Accept-Language applies without it.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_HTTPONLY = True  # no script reads it
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEVELOPMENT
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"

MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("GRASSROOTS_MEDIA_ROOT", VAR_DIR / "media"))

# Body limits. DATA_UPLOAD_MAX_MEMORY_SIZE bounds only what Django reads whole (JSON, form fields: 413 through the
# error handler), not multipart files, which Django spools to temporary files at any size. So every body over
# MAX_REQUEST_BYTES is refused with 413 before it is read (core.limits), and each uploaded file is read through
# core.uploads.read_bounded with its own limit (imports: IMPORT_MAX_FILE_BYTES; photos: CASE_MAX_PHOTO_BYTES).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("GRASSROOTS_MAX_BODY", 5 * 1024 * 1024))
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE  # a larger multipart body goes to a temporary file
# Room for a case form with its nine photos of CASE_MAX_PHOTO_BYTES.
MAX_REQUEST_BYTES = max(int(os.environ.get("GRASSROOTS_MAX_REQUEST", 40 * 1024 * 1024)), DATA_UPLOAD_MAX_MEMORY_SIZE)
IMPORT_MAX_FILE_BYTES = int(os.environ.get("GRASSROOTS_MAX_IMPORT", 5 * 1024 * 1024))

# Every server-side fetch of a URL someone else chose goes through core.outbound, which refuses internal
# addresses. Operators who must reach an internal receiver list its host or network here (never metadata).
OUTBOUND_ALLOW_HOSTS = _csv("GRASSROOTS_OUTBOUND_ALLOW_HOSTS")
OUTBOUND_HTTPS_ONLY = os.environ.get("GRASSROOTS_OUTBOUND_HTTPS_ONLY", "0") == "1"
OUTBOUND_CONNECT_TIMEOUT = float(os.environ.get("GRASSROOTS_OUTBOUND_CONNECT_TIMEOUT", 3))
OUTBOUND_READ_TIMEOUT = float(os.environ.get("GRASSROOTS_OUTBOUND_READ_TIMEOUT", 5))
OUTBOUND_TOTAL_TIMEOUT = float(os.environ.get("GRASSROOTS_OUTBOUND_TOTAL_TIMEOUT", 10))
WEBHOOK_MAX_WORKERS = int(os.environ.get("GRASSROOTS_WEBHOOK_WORKERS", 8))

# Field encryption (AES-GCM, key id per ciphertext) and the blind index (HMAC-SHA256, separate key).
FIELD_KEYS = _required("GRASSROOTS_FIELD_KEYS")
ACTIVE_FIELD_KEY = _required("GRASSROOTS_ACTIVE_FIELD_KEY")
BLIND_INDEX_KEY = _required("GRASSROOTS_BLIND_INDEX_KEY")

# Audit log checkpoints: Ed25519 key (base64 of 32 bytes), the log's name (origin) and the signer's name.
AUDIT_SIGNING_KEY = os.environ.get("GRASSROOTS_AUDIT_SIGNING_KEY", "")
AUDIT_LOG_ORIGIN = os.environ.get("GRASSROOTS_AUDIT_ORIGIN", "grassroots.local/audit")
AUDIT_KEY_NAME = os.environ.get("GRASSROOTS_AUDIT_KEY_NAME", "grassroots-audit")

# Login throttling (django-axes, attempts in the database so every server process sees them): 5 failures
# lock that username from any address, 20 lock that address for any username, each for 15 minutes. The
# address is the peer's, or the client's as told by a trusted proxy (core/proxy.py).
AXES_HANDLER = "grassroots.accounts.throttle.LoginThrottle"
AXES_FAILURE_LIMIT = int(os.environ.get("GRASSROOTS_LOGIN_FAILURES", 5))
LOGIN_IP_FAILURE_LIMIT = int(os.environ.get("GRASSROOTS_LOGIN_IP_FAILURES", 20))
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "grassroots.core.proxy.client_ip"
AXES_RESET_ON_SUCCESS = True  # only the (username, address) pair that succeeded: see accounts/throttle.py
AXES_LOCKOUT_CALLABLE = "grassroots.accounts.throttle.lockout_response"
AXES_VERBOSE = False

# Celery runs eagerly in-process unless a broker is configured.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "cases-sla-check": {"task": "grassroots.cases.tasks.check_sla", "schedule": 300.0},
    "cases-ownerless-check": {"task": "grassroots.cases.tasks.check_ownerless", "schedule": 60.0},
    "cases-auto-confirm": {"task": "grassroots.cases.tasks.auto_confirm", "schedule": 3600.0},
    "audit-checkpoint": {"task": "grassroots.audit.tasks.checkpoint", "schedule": 600.0},
    "sharing-escalate": {"task": "grassroots.sharing.tasks.escalate_overdue", "schedule": 900.0},
    # The webhook outbox of every app (notifications/webhooks.py); the entry keeps its first name.
    "risk-webhooks": {"task": "grassroots.notifications.tasks.send_pending_webhooks", "schedule": 60.0},
    "risk-decay": {"task": "grassroots.risk.tasks.decay_scores", "schedule": 600.0},
    # Daily risk jobs at fixed local times (CELERY_TIMEZONE), in order, once yesterday is complete.
    "risk-baseline": {"task": "grassroots.risk.tasks.take_baseline", "schedule": crontab(hour=1, minute=10)},
    "risk-trends": {"task": "grassroots.risk.tasks.detect_trends", "schedule": crontab(hour=1, minute=30)},
    "risk-drivers": {"task": "grassroots.risk.tasks.refresh_drivers", "schedule": crontab(hour=1, minute=50)},
    "risk-forecast": {"task": "grassroots.risk.tasks.refresh_forecasts", "schedule": crontab(hour=2, minute=10)},
    "stats-rollups": {"task": "grassroots.stats.tasks.refresh_rollups", "schedule": 120.0},
    # Sensor health: streams silent past their gap rule get a maintenance task (environment/health.py).
    "environment-gaps": {"task": "grassroots.environment.tasks.detect_gaps", "schedule": 600.0},
}

# Case handling (cases app). Working periods and local holiday overrides feed the SLA calendar.
CASE_DUPLICATE_RADIUS_M = float(os.environ.get("GRASSROOTS_DUPLICATE_RADIUS_M", 150))
CASE_DUPLICATE_DAYS = int(os.environ.get("GRASSROOTS_DUPLICATE_DAYS", 7))
CASE_DUPLICATE_SIMILARITY = float(os.environ.get("GRASSROOTS_DUPLICATE_SIMILARITY", 0.3))
CASE_AUTO_CONFIRM_DAYS = int(os.environ.get("GRASSROOTS_AUTO_CONFIRM_DAYS", 7))
CASE_OWNERLESS_MINUTES = int(os.environ.get("GRASSROOTS_OWNERLESS_MINUTES", 30))
CASE_MAX_RETURNS = 2  # the third return goes to an arbiter
CASE_MAX_PHOTO_BYTES = int(os.environ.get("GRASSROOTS_MAX_PHOTO_BYTES", 4 * 1024 * 1024))
CASE_MODEL_PATH = VAR_DIR / "models" / "case_classifier.pkl"
OPEN311_JURISDICTION = os.environ.get("GRASSROOTS_OPEN311_JURISDICTION", "110101")
OPEN311_CONTACT = os.environ.get("GRASSROOTS_OPEN311_CONTACT", "12345 热线 / grassroots operators")
OPEN311_KEY_SERVICE = os.environ.get(
    "GRASSROOTS_OPEN311_KEY_SERVICE", "由运维人员用 grassroots open311 key create 发放"
)
SLA_WORKING_PERIODS = [("09:00", "12:00"), ("13:30", "17:30")]
SLA_EXTRA_HOLIDAYS: list[str] = []
SLA_EXTRA_WORKDAYS: list[str] = []

# Data sharing (sharing app): working-day limits of each step, on the same calendar as the SLA timers.
SHARING_COMPLIANCE_DAYS = int(os.environ.get("GRASSROOTS_SHARING_COMPLIANCE_DAYS", 2))
SHARING_PROVIDER_DAYS = int(os.environ.get("GRASSROOTS_SHARING_PROVIDER_DAYS", 5))
SHARING_ERROR_ANSWER_DAYS = int(os.environ.get("GRASSROOTS_SHARING_ERROR_ANSWER_DAYS", 5))
SHARING_MAX_GRANT_DAYS = 366
SHARING_RATE_PER_MINUTE = 60

# Cockpit: a tile whose rollup is older than this is flagged stale (the refresh runs every 2 minutes).
COCKPIT_ROLLUP_MAX_AGE = int(os.environ.get("GRASSROOTS_COCKPIT_MAX_AGE", 600))

EMAIL_BACKEND = os.environ.get("GRASSROOTS_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"grassroots": {"handlers": ["console"], "level": os.environ.get("GRASSROOTS_LOG", "INFO")}},
}

# Environment monitoring (environment app, docs/environment-ingest.md): how far in the future a reading's time may
# be (device clocks drift), the largest batch, and how many months of raw observations are kept (0: all; the
# hourly and daily aggregates are kept either way).
ENVIRONMENT_FUTURE_TOLERANCE_SECONDS = int(os.environ.get("GRASSROOTS_ENV_FUTURE_TOLERANCE", 300))
ENVIRONMENT_INGEST_MAX_ITEMS = int(os.environ.get("GRASSROOTS_ENV_INGEST_MAX_ITEMS", 10_000))
ENVIRONMENT_RETENTION_MONTHS = int(os.environ.get("GRASSROOTS_ENV_RETENTION_MONTHS", 0))
CELERY_BEAT_SCHEDULE["environment-storage"] = {
    "task": "grassroots.environment.tasks.maintain_storage",
    "schedule": crontab(hour=3, minute=20),
}
