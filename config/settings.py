"""Little Steps settings: one module, every knob read from the environment.

Each variable is listed in README.md ("Configuration") and in .env.example.
The defaults serve `make run` on a laptop: SQLite under var/, an embedded
Celery broker and a local memory cache, so nothing else needs installing.
"""

import secrets
import sys
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A local .env file is optional; real environment variables always win.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core -----------------------------------------------------------------

DEBUG = env.bool("DJANGO_DEBUG", default=False)


def _secret_key() -> str:
    key = env.str("DJANGO_SECRET_KEY", default="")
    if key:
        return key
    if not DEBUG:
        sys.exit(
            "DJANGO_SECRET_KEY is not set: set it to a long random string "
            "(or set DJANGO_DEBUG=1 for local development)."
        )
    # Development only: a random key kept under var/ so sessions survive restarts.
    VAR_DIR.mkdir(exist_ok=True)
    key_file = VAR_DIR / "dev-secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Unset, links in emails point at the address gunicorn binds (make run's).
_BIND = env.str("GUNICORN_BIND", default="127.0.0.1:8000").replace("0.0.0.0:", "127.0.0.1:")
SITE_URL = env.str("SITE_URL", default=f"http://{_BIND}").rstrip("/")
_BEHIND_PROXY = env.bool("DJANGO_BEHIND_TLS_PROXY", default=False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "accounts",
    "personas",
    "plans",
    "mentors",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Pages gzipped (27 KB -> 6 KB); Django pads each against BREACH, CSRF tokens are masked.
    "django.middleware.gzip.GZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.middleware.SecurityHeadersMiddleware",
    # NUL bytes and odd charsets: a 400 or 404 before any view (config/bad_input.py).
    "config.bad_input.BadInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",  # the language: config/settings_i18n.py
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "config.middleware.DatabaseRetryMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "config.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "DATABASE_POOL", default=False
):
    # psycopg's connection pool, as Django 5.1+ offers it: each process keeps
    # a few connections open. Off by default; leave it off behind PgBouncer,
    # which pools already. A pool replaces persistent connections.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so a Celery worker started by a test sees the same rows.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
    # `make run` has three processes writing one file (web, worker, beat).
    # A transaction takes the write lock when it begins and waits its turn
    # for up to 20 s; without this, one that reads first and then writes
    # fails at once with "database is locked" when another is writing.
    # WAL lets pages be read while a write goes on.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=20,
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, broker and background work ------------------------------------

REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            # Redis, with this process's memory standing in while it does not answer.
            "BACKEND": "config.cache.FallbackRedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Parts of pages kept drawn ({% cache ... using="fragments" %}), in each
# process's own memory: keyed on what they show, so no copy is ever out of
# date; a new release starts empty, and pages never wait on Redis. About
# 15 KB each.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "OPTIONS": {"MAX_ENTRIES": env.int("FRAGMENT_CACHE_ENTRIES", default=1000)},
}

# Without Redis, `make run` uses kombu's file-system transport: a folder
# under var/ is the queue, so a newcomer sees background work with no server.
CELERY_QUEUE_DIR = VAR_DIR / "celery-queue"
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = (
    {
        # Longer than the longest retry countdown, so a task held by a slow
        # worker is not handed to a second one while the first still runs.
        "visibility_timeout": 3600,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
    if REDIS_URL
    else {
        "data_folder_in": str(CELERY_QUEUE_DIR),
        "data_folder_out": str(CELERY_QUEUE_DIR),
        # Its exchange tables too, which would otherwise land in the working folder.
        "control_folder": str(VAR_DIR / "celery-control"),
        "store_processed": False,
    }
)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
# Weekly reminders: claim the due ones every five minutes; every minute,
# queue again any lost by a killed worker (plans/reminders.py STUCK_AFTER).
# Accounts asked for by email but never signed in to go after a day.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    name: {"task": task, "schedule": seconds}
    for name, task, seconds in [
        ("clear-expired-sessions", "accounts.tasks.clear_expired_sessions", 6 * 60 * 60),
        ("send-due-reminders", "plans.tasks.send_due_reminders", 5 * 60),
        ("requeue-stuck-reminders", "plans.tasks.requeue_stuck_reminders", 60),
        ("delete-stale-plans", "plans.tasks.delete_stale_plans", 24 * 60 * 60),
        ("delete-unconfirmed-accounts", "accounts.tasks.delete_unconfirmed_accounts", 60 * 60),
    ]
}
# Keep each worker's database connection between tasks instead of closing
# it after every task: reminders are many short tasks. config/celery.py
# closes a broken or too old one around every task, as Django does around
# requests (CONN_MAX_AGE, CONN_HEALTH_CHECKS).
CELERY_DB_REUSE_MAX = 1000

# --- Auth and accounts ----------------------------------------------------

# django-allauth does sign-in, by a one-time code sent by email: no passwords.
# A passkey is an optional second way in, added once signed in. allauth's rate
# limits (ACCOUNT_RATE_LIMITS) stay at their defaults; they count in the default
# cache (Redis in production and CI, memory for a few seconds while it is down).
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
# After signing in: the person's own plans (a `next` address wins, such as
# the plan page someone was saving).
LOGIN_REDIRECT_URL = "plans:mine"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "accounts.forms.EmailMeACodeForm",
    "confirm_login_code": "accounts.forms.EnterCodeForm",
    "confirm_email_verification_code": "accounts.forms.EnterEmailCodeForm",
    "signup": "accounts.forms.MakeAccountForm",
}
ACCOUNT_USER_DISPLAY = "accounts.adapter.user_display"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# No password field anywhere: signing up asks only for an email address,
# and the login form becomes "email me a code" (accounts.forms).
ACCOUNT_SIGNUP_FIELDS = ["email*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# Codes are for people who may read their email on another device: ten minutes,
# five tries (an empty box is none: accounts.views), and "send me a new code".
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = ACCOUNT_EMAIL_VERIFICATION_BY_CODE_TIMEOUT = 10 * 60
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = ACCOUNT_EMAIL_VERIFICATION_BY_CODE_MAX_ATTEMPTS = 5
ACCOUNT_LOGIN_BY_CODE_SUPPORTS_RESEND = True
ACCOUNT_EMAIL_VERIFICATION_SUPPORTS_RESEND = True
# Digits are easy to type on a phone: "1234-5678" (the dash is optional).
ALLAUTH_USER_CODE_FORMAT = {"numeric": True, "length": 8, "dashed": True}
ACCOUNT_PREVENT_ENUMERATION = True
# A code sign-in has no "remember me" choice; the session lasts its normal age.
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_LOGOUT_ON_GET = False  # signing out is a form post, never a link
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https://") else "http"
# Behind the load balancer every request comes from its address; allauth's
# per-address limits must count the visitor's address in X-Forwarded-For.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=int(_BEHIND_PROXY))
# Passkeys: an extra way in (never a second lock; see accounts.adapter).
MFA_ADAPTER = "accounts.adapter.MFAAdapter"
MFA_FORMS = {
    "add_webauthn": "accounts.forms.AddPasskeyForm",
    "login_webauthn": "accounts.forms.PasskeySignInForm",
}
MFA_SUPPORTED_TYPES = ["webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
# Off: the first visit stays one simple path (email, then code). A passkey
# is added afterwards, from "Passkeys", by someone already signed in.
MFA_PASSKEY_SIGNUP_ENABLED = False
# Passkeys over plain http while developing: open http://localhost:8000
# (a passkey needs a host name; 127.0.0.1 will not do).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
ACCOUNTS_UNCONFIRMED_MAX_AGE_HOURS = 24  # then delete-unconfirmed-accounts removes them

# --- Email ----------------------------------------------------------------

# Without EMAIL_URL, mail goes to files in var/mail/ (sign-in codes, reminders).
if env.str("EMAIL_URL", default=""):
    _email = env.email_url("EMAIL_URL")
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST = _email.get("EMAIL_HOST", "")
    EMAIL_PORT = _email.get("EMAIL_PORT", 25)
    EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Little Steps <hello@localhost>")
# Low-key mode's sender address (its name is always "Weekly plan"); empty: DEFAULT_FROM_EMAIL's.
LOW_KEY_FROM_EMAIL = env.str("LOW_KEY_FROM_EMAIL", default="")

# --- Security -------------------------------------------------------------

SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _BEHIND_PROXY else None
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Other sites see only our origin, never a path (plan links are private).
# Not "no-referrer": with it Chromium sends "Origin: null" on plain form
# posts, and Django's CSRF check rightly refuses them.
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Where "Exit this page" goes: a neutral page on another site.
QUICK_EXIT_URL = env.str("QUICK_EXIT_URL", default="https://www.metservice.com/")
QUICK_EXIT_ORIGIN = "{0.scheme}://{0.netloc}".format(urlsplit(QUICK_EXIT_URL))
# A refused form gets a kind page with the way back; a refused exit still leaves.
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"
# Content-Security-Policy (django-csp 4): our own files only, no inline
# script or style anywhere (htmx is told not to add its indicator styles).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_NONE],
        "script-src": [CSP_SELF],
        "style-src": [CSP_SELF],
        "img-src": [CSP_SELF, "data:"],
        "font-src": [CSP_SELF],
        "connect-src": [CSP_SELF],
        # The exit form's answer is a redirect to the neutral site.
        "form-action": [CSP_SELF, QUICK_EXIT_ORIGIN],
        "frame-ancestors": [CSP_NONE],
        "base-uri": [CSP_NONE],
        "manifest-src": [CSP_SELF],
    }
}

# --- Static files ---------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Hashed, compressed names: both versions' files are served side by side during a release.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Language and time: languages, their files, the time zone --------------
from config.settings_i18n import *  # noqa: E402, F403

# --- Logging --------------------------------------------------------------

# Every record redacted, one UTC clock for web, worker and beat (config/logs.py).
LOGGING_CONFIG = "config.logs.configure"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "config.logs.RedactingFilter"}},
    "formatters": {"utc": {"()": "config.logs.UTCFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact"], "formatter": "utc"}
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own handlers go (they would print unredacted): all to root.
        "django": {"handlers": [], "propagate": True},
        # Request lines can hold private plan links: Django logs 4xx/5xx paths.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING", "handlers": [], "propagate": True},
        # A missing template variable is logged at DEBUG with the whole
        # context, which can hold a person's answers: never logged.
        "django.template": {"level": "INFO"},
        # WeasyPrint's progress lines say nothing useful in production.
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# --- Product --------------------------------------------------------------

# Who runs the service, how to reach them (unset: config/context_processors.py).
SERVICE_OPERATOR = env.str("SERVICE_OPERATOR", default="")
CONTACT_EMAIL = env.str("CONTACT_EMAIL", default="hello@localhost")
# Fresh PDFs a minute per client and per plan, and at once per process (plans/pdf_limits.py).
PDF_RENDERS_PER_MINUTE = env.int("PDF_RENDERS_PER_MINUTE", default=6)
PDF_RENDERS_AT_ONCE = env.int("PDF_RENDERS_AT_ONCE", default=1)
