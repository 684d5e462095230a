"""Chœur settings: one module, read from the environment.

Development, tests and production differ only by environment variables. Every variable is
listed, with a comment for self-hosters, in `.env.example` and `docs/environment.md`.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def _load_env_file(path: Path) -> None:
    """Read KEY=VALUE lines of a `.env` file; variables already set in the environment win."""
    if not path.is_file():
        return
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        os.environ.setdefault(key.strip(), value.strip().strip("'\""))


_load_env_file(Path(os.environ.get("ENV_FILE", BASE_DIR / ".env")))


# --- typed helpers ------------------------------------------------------------------------------

_TRUE = {"1", "true", "yes", "on", "oui"}
_FALSE = {"0", "false", "no", "off", "non", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} doit valoir true ou false, pas {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} doit être un nombre entier, pas {raw!r}") from exc


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


# --- core ---------------------------------------------------------------------------------------

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY est obligatoire quand DEBUG est désactivé.")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdef"

SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [SITE_URL])
SITE_NAME = env_str("SITE_NAME", "Chœur")
SITE_TAGLINE = env_str(
    "SITE_TAGLINE", "Facturation électronique des fournisseurs du secteur public"
)
# The DSFR's brand block (Marianne, « République française ») is reserved to the State and
# its operators: anyone else must switch it off (DSFR terms of use).
DSFR_STATE_BRAND = env_bool("DSFR_STATE_BRAND", False)
OPERATOR_NAME = env_str("OPERATOR_NAME", "Chœur")
OPERATOR_CONTACT_EMAIL = env_str("OPERATOR_CONTACT_EMAIL", "contact@choeur.localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "dsfr",
    "widget_tweaks",
    "rest_framework",
    "drf_spectacular",
    "oauth2_provider",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_email",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "captcha",
    "csp",
    "choeur.core",
    "choeur.accounts",
    "choeur.directory",
    "choeur.structures",
    "choeur.invoices",
    "choeur.lifecycle",
    "choeur.works",
    "choeur.claims",
    "choeur.sollicitations",
    "choeur.notifications",
    "choeur.api",
    "choeur.api.afnor",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cache-Control: private, no-store for logged-in users and the API, errors included (issue
    # 16). Outside the others so it sees every answer; request.user is set by then.
    "choeur.core.middleware.PrivateNoStoreMiddleware",
    # Every answer under /cpro/ and /api/ is the JSON envelope (404, 405, 500, 503 included).
    "choeur.api.middleware.ApiEnvelopeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed a second factor (issue 16).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "choeur" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "choeur.core.context_processors.site",
                "choeur.structures.navigation.espace_menu",
                "choeur.notifications.context_processors.unread",
            ],
        },
    }
]


# --- database -----------------------------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'choeur.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer commits; IMMEDIATE transactions and a busy timeout
    # make concurrent writers wait for the lock instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": env_str("SQLITE_TEST_NAME", "") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- accounts -----------------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "core:home"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # « Se connecter avec une clé d'accès »: a passkey names its user (issue 16).
    "django_otp_webauthn.backends.WebAuthnBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "choeur.accounts.passwords.ComplexityValidator"},
    {"NAME": "choeur.accounts.passwords.PersonalDataValidator"},
    # Issue 16: « Choeur2026 » was accepted; the platform's and the structure's names are not.
    {"NAME": "choeur.accounts.passwords.ContextWordsValidator"},
]
# Reference A.2: the account locks after 5 failed attempts and unlocks after 1 hour.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LOGIN_LOCKOUT_HOURS", 1)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False
# Issue 16: one spelling of the login for axes and for the lookup (NAME@EXAMPLE.ORG = name@example.org).
AXES_USERNAME_CALLABLE = "choeur.accounts.lockout.axes_username"
# Issue 16: a second factor after the password (an emailed code, an authenticator app, recovery
# codes), mandatory unless the operator says otherwise, as on the real platform since 2024.
SECOND_FACTOR_REQUIRED = env_bool("SECOND_FACTOR_REQUIRED", True)
OTP_EMAIL_TOKEN_VALIDITY = env_int("SECOND_FACTOR_EMAIL_MINUTES", 10) * 60
OTP_EMAIL_COOLDOWN_DURATION = 60  # seconds before a new code may be asked for
# Wrong codes are counted by django-axes with wrong passwords (the same lock), not by delays.
OTP_EMAIL_THROTTLE_FACTOR = 0
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
OTP_TOTP_ISSUER = SITE_NAME
# Passkeys and security keys (WebAuthn, django-otp-webauthn): for the second step, or instead of
# the password. The relying party is the site's host name: a domain or localhost, never an IP
# address (browsers refuse those), so `make run` users open http://localhost:8000.
OTP_WEBAUTHN_RP_NAME = SITE_NAME
_SITE = urlsplit(SITE_URL)
_PASSKEY_ORIGIN = (
    f"{_SITE.scheme}://{_SITE.netloc}"
    if _SITE.scheme == "https" or _SITE.hostname == "localhost"
    else f"http://localhost:{_SITE.port or 80}"
)
OTP_WEBAUTHN_RP_ID = env_str("WEBAUTHN_RP_ID") or urlsplit(_PASSKEY_ORIGIN).hostname or "localhost"
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list("WEBAUTHN_ALLOWED_ORIGINS", [_PASSKEY_ORIGIN])
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = True
# « S'identifier avec ProConnect » (OpenID Connect), off unless the three are set (issue 16).
PROCONNECT_ISSUER = env_str("PROCONNECT_ISSUER")
PROCONNECT_CLIENT_ID = env_str("PROCONNECT_CLIENT_ID")
PROCONNECT_CLIENT_SECRET = env_str("PROCONNECT_CLIENT_SECRET")
PROCONNECT_SCOPES = env_str("PROCONNECT_SCOPES", "openid email given_name usual_name siret")
PROCONNECT_ACR_VALUES = env_str("PROCONNECT_ACR_VALUES", "eidas1")
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)


def _rate(name: str, count: int, seconds: int) -> tuple[int, int]:
    """`RATE_LIMIT_<NAME>=count/seconds` (0 turns the limit off)."""
    raw = env_str(f"RATE_LIMIT_{name}", f"{count}/{seconds}")
    parts = raw.split("/")
    return int(parts[0]), int(parts[1]) if len(parts) > 1 else seconds


# Logged-out forms (choeur/core/ratelimit.py): per client address (_ip) and per email (_target).
RATE_LIMITS = {
    "login_ip": _rate("LOGIN_IP", 20, 600),
    "register_ip": _rate("REGISTER_IP", 10, 3600),
    "register_target": _rate("REGISTER_EMAIL", 3, 3600),
    "reset_ip": _rate("RESET_IP", 10, 3600),
    "reset_target": _rate("RESET_EMAIL", 3, 3600),
    "resend_ip": _rate("RESEND_IP", 10, 3600),
    "resend_target": _rate("RESEND_EMAIL", 3, 3600),
    "contact_ip": _rate("CONTACT_IP", 10, 3600),
    "contact_target": _rate("CONTACT_EMAIL", 5, 3600),
}
ACTIVATION_LINK_MINUTES = env_int("ACTIVATION_LINK_MINUTES", 60)
TECHNICAL_PASSWORD_DAYS = env_int("TECHNICAL_PASSWORD_DAYS", 424)
CAPTCHA_LENGTH = 5
CAPTCHA_FONT_SIZE = 30
CAPTCHA_TEST_MODE = env_bool("CAPTCHA_TEST_MODE", False)

# --- i18n ---------------------------------------------------------------------------------------

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "choeur" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

# --- static and stored files --------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Files compressed (gzip + brotli) at collectstatic time and served with a one-year cache
# lifetime under hashed names: an ordinary ADSL line is enough.
WHITENOISE_MAX_AGE = 31536000
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG
_S3_BUCKET = env_str("S3_BUCKET")
_default_storage: dict[str, object]
if _S3_BUCKET:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _S3_BUCKET,
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "region_name": env_str("S3_REGION") or None,
            "access_key": env_str("S3_ACCESS_KEY"),
            "secret_key": env_str("S3_SECRET_KEY"),
            "file_overwrite": False,
            "default_acl": None,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "allow_overwrite": False},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": env_str(
            "STATICFILES_BACKEND", "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# WhiteNoise's manifest storage rewrites the DSFR files: the bundled SRI hashes would no
# longer match and the browser would block the stylesheet.
DSFR_USE_INTEGRITY_CHECKSUMS = False
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_MB", 120) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- email --------------------------------------------------------------------------------------

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Chœur <ne-pas-repondre@choeur.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- background work ----------------------------------------------------------------------------

_BROKER_URL = env_str("CELERY_BROKER_URL")
# Without a broker, tasks run in the web process right after the transaction commits. Celery
# still builds a producer in that mode: an in-memory transport keeps it from looking for one (its
# host named, or kombu warns on every task that it « reverts to localhost »).
CELERY_BROKER_URL = _BROKER_URL or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = not _BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# At-least-once (docs/operator-guide.md, « Workers et files d'attente »): a task is acknowledged when it
# has run, not when it is received, and goes back to its queue when its worker dies (SIGKILL, the
# OOM killer) or loses the broker; each worker process reserves one task at a time. Every task is
# keyed by the row it works on and idempotent (choeur/core/tasks.py), and a sweeper re-queues any
# row left in a non-final state: nothing depends on a message surviving in the broker.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
# A task still running after this is stopped (its row stays for the sweeper); with Redis as the
# broker, a task not acknowledged within the visibility timeout is delivered again, so the timeout
# is well above the longest task (an archive of 1,000 invoices: seconds; the limit: 30 minutes).
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 1800)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
}
# Queues: CELERY_QUEUE (« choeur ») takes validation and integration of flux and the sweeper;
# « choeur.messages » the emails and webhooks, so that no archive ever delays them;
# « choeur.fond » the daily chores. Each gets worker processes of its own (deploy/).
_QUEUE = env_str("CELERY_QUEUE") or "choeur"
CELERY_TASK_DEFAULT_QUEUE = _QUEUE
CELERY_TASK_ROUTES = {
    "notifications.*": {"queue": f"{_QUEUE}.messages"},
    "structures.technical_password_reminders": {"queue": f"{_QUEUE}.messages"},
    "core.files_collect_orphans": {"queue": f"{_QUEUE}.fond"},
    "accounts.registration_purge": {"queue": f"{_QUEUE}.fond"},
    "notifications.invoices_received_digest": {"queue": f"{_QUEUE}.fond"},
}
# Keep each worker's database connection across tasks (Celery's Django fixup would otherwise close
# it after every task: a new PostgreSQL session per invoice). config/celery.py closes it between
# tasks only when it is broken or older than DB_CONN_MAX_AGE, as Django does between requests.
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 1000)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "notifications-outbox-flush": {"task": "notifications.outbox_flush", "schedule": 60.0},
    # One email a day to each user who chose the digest (docs/notifications.md).
    "notifications-daily-digest": {
        "task": "notifications.digest_send",
        "schedule": crontab(hour=7, minute=0),
    },
    # The recipients' « nouvelles factures reçues » emails: one per address per window.
    "notifications.invoices_received_digest": {
        "task": "notifications.invoices_received_digest",
        "schedule": 60.0,
    },
    # The stored bytes of deposits rolled back (nothing references them), once a day.
    "core.files_collect_orphans": {
        "task": "core.files_collect_orphans",
        "schedule": crontab(hour=3, minute=30),
    },
    # Re-queue flux stuck in a non-final state (a lost task, a killed worker): nothing is lost.
    "invoices.flux_sweep": {"task": "invoices.flux_sweep", "schedule": 60.0},
    # Webhook deliveries due for a retry (backoff 1 min, 5 min, 30 min, 2 h, 12 h).
    "notifications.webhook_sweep": {"task": "notifications.webhook_sweep", "schedule": 60.0},
    # Forget registrations abandoned before activation, so they block no later attempt.
    "accounts.registration_purge": {
        "task": "accounts.registration_purge",
        "schedule": crontab(minute=15),
    },
    # A9/A12 invoices without their validator's answer for 15 days: validated tacitly.
    "invoices.validation_tacit": {
        "task": "invoices.validation_tacit",
        "schedule": crontab(minute=5),
    },
    # Works invoices (CCAG Travaux): the regulatory delays of the MOE and the MOA (tacit procedures).
    "works.tacit_procedures": {"task": "works.tacit_procedures", "schedule": crontab(minute=5)},
    # Warn the managers 15 days before a technical account's password expires.
    "structures.technical_password_reminders": {
        "task": "structures.technical_password_reminders",
        "schedule": crontab(hour=6, minute=30),
    },
}

# --- webhooks (docs/notifications.md) ----------------------------------------------------------

# Endpoints on loopback, private or link-local addresses, and plain http://, are refused (SSRF):
# True only for tests and a local receiver. An endpoint failing that many hours is disabled.
WEBHOOK_ALLOW_PRIVATE_TARGETS = env_bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", False)
WEBHOOK_DISABLE_AFTER_HOURS = env_int("WEBHOOK_DISABLE_AFTER_HOURS", 72)

# --- invoices ---------------------------------------------------------------------------------

# The recipient's « nouvelle(s) facture(s) reçue(s) » email: one per address per this many
# seconds, counting every flux's invoices since the last (the beat task, each minute, sends it);
# 0 sends it at each flux's end, as before (docs/environment.md).
INVOICES_RECEIVED_DIGEST_SECONDS = env_int("INVOICES_RECEIVED_DIGEST_SECONDS", 300)

# Legal payment delay in days, highlighted in the recipient's « Synthèse » (30 for the State,
# 50 for public hospitals).
PAYMENT_DELAY_DAYS = env_int("PAYMENT_DELAY_DAYS", 30)

# Deposit pipeline: the rules applied ("auto", the default: the EN 16931 rules, and the French
# rules BR-FR of the 2026 reform for an invoice whose seller is French and VAT-registered;
# "EN16931" for the EN 16931 rules alone, "BR-FR" for the French rules on every invoice),
# integration attempts before a flux whose validation engine keeps failing is rejected, when
# the sweeper re-queues a stuck flux, archive limits.
INVOICES_VALIDATION_PROFILE = env_str("INVOICES_VALIDATION_PROFILE") or "AUTO"
INVOICES_INTEGRATION_MAX_ATTEMPTS = env_int("INVOICES_INTEGRATION_MAX_ATTEMPTS", 5)
INVOICES_SWEEP_AFTER_SECONDS = env_int("INVOICES_SWEEP_AFTER_SECONDS", 120)
# A flux's message queued this long ago and never started is lost, and sent again (above the
# longest wait in the queue; docs/operator-guide.md « Délais du balayeur de flux »).
INVOICES_QUEUED_LOST_AFTER_SECONDS = env_int("INVOICES_QUEUED_LOST_AFTER_SECONDS", 900)
INVOICES_ARCHIVE_MAX_FILES = env_int("INVOICES_ARCHIVE_MAX_FILES", 1000)

# --- INSEE API ----------------------------------------------------------------------------------

INSEE_API_KEY = env_str("INSEE_API_KEY")
INSEE_API_URL = env_str("INSEE_API_URL", "https://api.insee.fr/api-sirene/3.11")
INSEE_API_TIMEOUT = env_int("INSEE_API_TIMEOUT", 5)
INSEE_API_PER_MINUTE = env_int("INSEE_API_PER_MINUTE", 30)

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache"
        if not env_str("CACHE_URL")
        else "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env_str("CACHE_URL") or "choeur",
    }
}

# --- API ----------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "oauth2_provider.contrib.rest_framework.OAuth2Authentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "EXCEPTION_HANDLER": "choeur.api.envelope.envelope_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Chœur API (compatible Chorus Pro)",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}
OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    # The API uses client credentials only; the RFC 9700 (OAuth 2.0 Security BCP) behaviours.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    "SCOPES": {"openid": "Accès à l'API"},
}
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"

# --- security -----------------------------------------------------------------------------------

SECURE_HTTPS = SITE_URL.startswith("https://")
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_HOURS", 8) * 3600
# Sessions end after SESSION_HOURS without any request: each request renews the cookie.
SESSION_SAVE_EVERY_REQUEST = True
SECURE_SSL_REDIRECT = SECURE_HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31536000) if SECURE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS and env_bool("HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- logging ------------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # A refused permission is a warning line, not a traceback (issue 16).
    "filters": {"permission_denied": {"()": "choeur.core.logging.PermissionDeniedOneLine"}},
    "loggers": {
        "django.request": {"filters": ["permission_denied"]},
        "django.db.backends": {"level": "WARNING"},
        "celery.app.trace": {"level": env_str("CELERY_TASK_LOG_LEVEL", "WARNING")},
    },
}

FORMAT_MODULE_PATH = ["config.formats"]

SILENCED_SYSTEM_CHECKS = [
    # The reference locks the account (the login), not the address: offices share one public IP.
    "axes.W006",
    # The invoice's status indexes carry INCLUDE columns for PostgreSQL's index-only scans;
    # SQLite builds the same indexes without them (migration invoices/0009), as intended.
    "models.W040",
]
