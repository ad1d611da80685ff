"""Settings of the follow-up tracker, read from the environment.

Development defaults are safe for a laptop: SQLite in the project folder, DEBUG on only when
asked for. A production start (DEBUG off) without SECRET_KEY fails loudly instead of running
with a key everyone can read.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from tracker import logs
from tracker.environment import env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent


DEBUG = env_bool("DEBUG", False)

# What a production server (DEBUG off) must be given. Management commands still run without it,
# so a fresh checkout can check and migrate; tracker/wsgi.py refuses to serve until it is set.
MISSING_FOR_PRODUCTION = []

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        MISSING_FOR_PRODUCTION.append(
            "SECRET_KEY must be set when DEBUG is off (set DEBUG=true for local development)."
        )
    # Never served with DEBUG off (see above); `check --deploy` also reports it as insecure.
    SECRET_KEY = "django-insecure-development-key-not-for-production"  # noqa: S105

if not DEBUG and not env_list("ALLOWED_HOSTS", []):
    MISSING_FOR_PRODUCTION.append(
        "ALLOWED_HOSTS must be set when DEBUG is off: the host names the tracker is served "
        "under, comma-separated (e.g. ALLOWED_HOSTS=tracker.example.org)."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    # Django's admin with the tracker's own site (tracker/admin_site.py).
    "tracker.admin_site.TrackerAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "simple_history",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    # Swagger UI's files, served from here: the docs page loads nothing from a CDN.
    "drf_spectacular_sidecar",
    "recommendations",
    # The outbox's queue: every mail is written there first and sent after commit.
    "mailer",
    # Background tasks (publishing an edition): Django's tasks framework, backported to 5.2,
    # with its queue in the tracker's own database, run by `manage.py db_worker`.
    "django_tasks",
    "django_tasks_db",
    # Sign-in: the password step, the second factor (TOTP, security keys) and single sign-on
    # through OpenID Connect (recommendations/sign_in/).
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
]
# The benchmark (tools/benchmark/) is a development tool, not part of the tracker: its command
# exists only where BENCHMARK asks for it, as `make benchmark` does.
if env_bool("BENCHMARK", False):
    INSTALLED_APPS.append("tools.benchmark")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The API's reads from any origin, without credentials; nothing else of the site.
    "recommendations.api.cors.ApiCorsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Static files are answered before sessions or the database are touched.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The public pages' language by their address (/ja/…); see PersonalLanguageMiddleware.
    "recommendations.sign_in.language.AddressLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # With REQUIRE_2FA, a session signed in by password alone reaches only the second factor.
    "recommendations.sign_in.middleware.SecondFactorMiddleware",
    # The admin and sign-in pages in the person's language and the official's time zone.
    "recommendations.sign_in.language.PersonalLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

# django-axes counts failed logins and refuses further attempts for an hour after five in a row
# for the same user name from the same address; it must come first to stop the others.
# It needs the request to authenticate: the tests' client passes one (tests/conftest.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# One count per official however the name is typed (signing in ignores case and spaces), and per
# client rather than per proxy (recommendations/sign_in/lockout.py).
AXES_USERNAME_CALLABLE = "recommendations.sign_in.lockout.lockout_username"
AXES_CLIENT_IP_CALLABLE = "recommendations.sign_in.lockout.client_address"
# How many reverse proxies in front of the tracker append the address they saw to
# X-Forwarded-For; 0 (the default) reads no header at all: the client is REMOTE_ADDR.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT") or "0")
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT must be 0 or more, not {TRUSTED_PROXY_COUNT}.")
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"

ROOT_URLCONF = "tracker.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Found before the admin's own: the admin's header with the language switch.
        "DIRS": [BASE_DIR / "tracker" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "recommendations.context_processors.language_switcher",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "tracker.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# SQLite, the embedded default, lets one writer in at a time. Its default transactions begin as
# readers, and a reader that then writes while another holds the write lock fails at once with
# "database is locked", whatever the timeout. IMMEDIATE takes the write lock when the transaction
# begins, so a second save waits (up to SQLITE_TIMEOUT seconds) for the first to commit; WAL lets
# pages be read while someone writes, and NORMAL syncs once per checkpoint instead of per commit,
# which WAL keeps safe against a crash. In-memory test databases ignore WAL.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": int(os.environ.get("SQLITE_TIMEOUT", "20")),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )

# The dashboard's counts and the public pages' renderings are cached
# (recommendations/tallies/dashboard.py, recommendations/views/caching.py). Each process keeps its
# own copy by default; REDIS_URL (redis://host:6379/0) shares one Redis among all workers and
# servers, and CACHE_BACKEND and CACHE_LOCATION choose any other of Django's backends.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": {
        "BACKEND": os.environ.get(
            "CACHE_BACKEND",
            "django.core.cache.backends.redis.RedisCache"
            if REDIS_URL
            else "django.core.cache.backends.locmem.LocMemCache",
        ),
        "LOCATION": os.environ.get("CACHE_LOCATION", REDIS_URL),
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Django's default (PBKDF2, a million iterations) unless PASSWORD_HASHERS names others: the
# test settings name a fast one, so a test user costs microseconds rather than half a second.
_PASSWORD_HASHERS = env_list("PASSWORD_HASHERS", [])
if _PASSWORD_HASHERS:
    PASSWORD_HASHERS = _PASSWORD_HASHERS

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ja", _("Japanese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date form per language (tracker/formats/): "17 April 2024", "2024年4月17日".
FORMAT_MODULE_PATH = ["tracker.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Brussels")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Production serves what `collectstatic` wrote (make serve runs it): compressed, with a content
# hash in each name so browsers may cache them for ever. Local runs and the test suite serve the
# app folders' files as they are, so they need no collectstatic first.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not DEBUG)
# Uploaded and published files (the Council reports' editions): the file system under MEDIA_ROOT
# by default; an S3-compatible store when STORAGE_S3_BUCKET is set, for deployments with several
# servers (django-storages, installed with the `s3` extra; credentials from the usual AWS_*
# environment variables or the server's role).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"
STORAGE_S3_BUCKET = os.environ.get("STORAGE_S3_BUCKET", "")
if STORAGE_S3_BUCKET:
    try:
        import storages.backends.s3  # noqa: F401 - only checks that the backend is installed
    except ImportError as missing:
        raise ImproperlyConfigured(
            "STORAGE_S3_BUCKET is set but django-storages' S3 backend is not installed: "
            "pip install 'eu-japan-dp-tracker[s3]' (django-storages[s3])."
        ) from missing
    DEFAULT_STORAGE: dict = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": STORAGE_S3_BUCKET,
            "endpoint_url": os.environ.get("STORAGE_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("STORAGE_S3_REGION") or None,
            "location": os.environ.get("STORAGE_S3_PREFIX", ""),
            # Published files are served by the tracker itself, never by a public bucket URL.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    DEFAULT_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT)},
    }
# Where background tasks run: "database" (the default) stores them for `manage.py db_worker`,
# which `make run` starts beside the server; "immediate" runs each one inside the request that
# asks for it, as the tests do outside the worker's own tests.
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
_TASKS_BACKEND = os.environ.get("TASKS_BACKEND") or "database"
if _TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}, not {_TASKS_BACKEND!r}."
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_TASKS_BACKEND], "QUEUES": ["default"]}}

STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if not STATIC_MANIFEST:
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True

LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

# Sign-in (recommendations/sign_in/): django-allauth's login with its second-factor step.
# REQUIRE_2FA: no admin page opens until the session has passed a second factor (an
# authenticator app, a security key or a recovery code). On by default in production; a laptop
# (DEBUG on) offers enrolment without blocking, so `make run`'s local administrator gets in.
REQUIRE_2FA = env_bool("REQUIRE_2FA", not DEBUG)
ACCOUNT_ADAPTER = "recommendations.sign_in.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "recommendations.sign_in.adapters.SocialAccountAdapter"
# Officials' user names are their e-mail addresses; accounts are made by the secretariat only.
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
# django-axes alone counts failures, of passwords and of second-factor codes alike.
ACCOUNT_RATE_LIMITS = {"login_failed": None}
MFA_SUPPORTED_TYPES = ["totp", "webauthn"]
MFA_TOTP_ISSUER = os.environ.get("MFA_TOTP_ISSUER", "EU-Japan DP tracker")
# A code read just before its 30 seconds run out still counts when it arrives just after
# (RFC 6238's one step of network delay); each step is still accepted once only.
MFA_TOTP_TOLERANCE = 1
MFA_FORMS = {
    "authenticate": "recommendations.sign_in.forms.AuthenticateForm",
    "reauthenticate": "recommendations.sign_in.forms.ReauthenticateForm",
}
# Security keys need https, except on a laptop's http://localhost.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
# Single sign-on through an administration's OpenID Connect provider, when OIDC_ISSUER is set.
# A sign-in is matched by its verified e-mail address to an existing official; it never creates
# an account (recommendations/sign_in/adapters.py).
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "")
SOCIALACCOUNT_PROVIDERS: dict = {}
if OIDC_ISSUER:
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "APPS": [
            {
                "provider_id": "sso",
                "name": os.environ.get("OIDC_NAME", "Single sign-on"),
                "client_id": os.environ.get("OIDC_CLIENT_ID", ""),
                "secret": os.environ.get("OIDC_CLIENT_SECRET", ""),
                "settings": {"server_url": OIDC_ISSUER, "oauth_pkce_enabled": True},
            }
        ]
    }
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_STORE_TOKENS = False

# Secure cookies and HSTS follow DEBUG: on in production, off on a laptop served over http.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Monitors poll the health check on the inside, over plain http.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Only our own files run or style a page: no inline scripts or styles, no CDN, no plugins. The
# Django admin works under this policy as it is (its scripts are static files, its styles are
# stylesheets, and its widgets set styles through the DOM, which CSP allows), so /admin/ needs
# no exception.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Behind a TLS-terminating proxy: the origins forms are posted from, and the header the proxy sets
# so Django knows the request came in over https.
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
if env_bool("BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The open data API (recommendations/api/): read-only JSON for anyone, no login. Without
# authentication classes no session or user is ever looked at, and only GET, HEAD and OPTIONS
# are routed.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "EU–Japan Digital Partnership workshop recommendations: open data API",
    "DESCRIPTION": (
        "Read-only data of the follow-up of the recommendations of the EU–Japan Digital "
        "Partnership stakeholder workshop of 17 April 2024. Resources are identified by the "
        "report's references and codes. Responses carry ETag (and, for recommendations and "
        "updates, Last-Modified): send If-None-Match or If-Modified-Since to get 304 Not "
        "Modified when nothing changed."
    ),
    "VERSION": "1",
    # Whoever reuses the data needs to know on which terms and whom to ask.
    "LICENSE": {
        "name": os.environ.get("API_LICENCE_NAME", "Creative Commons Attribution 4.0 (CC BY 4.0)"),
        "url": os.environ.get("API_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/"),
    },
    "CONTACT": {
        "name": os.environ.get(
            "API_CONTACT_NAME", "Secretariat of the EU–Japan Digital Partnership"
        ),
        "email": os.environ.get(
            "API_CONTACT_EMAIL", os.environ.get("DEFAULT_FROM_EMAIL", "tracker@localhost")
        ),
    },
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "recommendations.api.schema.document_conditional_get",
        "recommendations.api.schema.document_parameter_errors",
    ],
    # One name for each vocabulary, however many fields use it.
    "ENUM_NAME_OVERRIDES": {
        "Status": "recommendations.models.Status",
        "Side": "recommendations.models.Side",
        "Response": "recommendations.rules.choices.Response",
    },
}

# To stderr, in the format gunicorn uses too: stdout belongs to commands whose output is data.
LOGGING = logs.config(os.environ.get("LOG_LEVEL", "INFO"))

# The report's data lives at the top level, so `loaddata report` finds it without an app path.
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# An item with no update in this many weeks before the next Council is flagged to its owners.
STALE_AFTER_WEEKS = env_int("STALE_AFTER_WEEKS", 8)

# The report's files are rendered once per data version and kept in the cache
# (recommendations/reporting/renderings.py). The PDF, Word and XLSX files a client may download
# a minute (each format counted apart), the renderings of files not prepared yet it may ask for
# a minute, and how many renderings each process runs at once, so its other threads keep
# serving pages while they do.
REPORT_DOWNLOADS_PER_MINUTE = env_int("REPORT_DOWNLOADS_PER_MINUTE", 20)
REPORT_RENDERS_PER_MINUTE = env_int("REPORT_RENDERS_PER_MINUTE", 6)
REPORT_RENDER_SLOTS = env_int("REPORT_RENDER_SLOTS", 1)

# E-mail: the reporting round's calls, reminders and overdue notices, and every other mail Django
# sends, go through the outbox (recommendations/services/outbox.py): queued in the transaction
# that causes them, sent after it commits, kept and retried when the server does not take them.
# The environment's EMAIL_BACKEND is the backend the outbox sends through: the console under
# DEBUG, SMTP in production.
EMAIL_BACKEND = "recommendations.services.outbox.OutboxBackend"
MAILER_EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
if MAILER_EMAIL_BACKEND in {EMAIL_BACKEND, "mailer.backend.DbBackend"}:
    raise ImproperlyConfigured(
        f"EMAIL_BACKEND={MAILER_EMAIL_BACKEND} would queue mails into the queue they are sent "
        "from: name the backend that delivers them, e.g. django.core.mail.backends.smtp."
        "EmailBackend."
    )
# One failing mail is deferred and the others still go (django-mailer stops on some errors).
MAILER_ERROR_HANDLER = "recommendations.services.outbox.defer"
# Two deliveries at once share the queue through its rows' locks (SELECT ... FOR UPDATE NOWAIT),
# which SQLite does not have: there django-mailer's lock file keeps to one sender at a time on
# this machine, whatever the working directory of the server or cron job.
MAILER_USE_FILE_LOCK = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
MAILER_LOCK_PATH = os.environ.get("MAILER_LOCK_PATH", str(BASE_DIR / "send_mail"))
# Seconds before a mail server that does not answer counts as down: the mail waits in the queue.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "tracker@localhost")
# The address links in e-mails start with: mails are not sent from a request.
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")


def env_days(name: str, default: list[int]) -> list[int]:
    values = env_list(name, [])
    if not values:
        return default
    if not all(value.isdigit() for value in values):
        raise ImproperlyConfigured(
            f"{name} must be whole numbers of days, comma-separated (e.g. 7,1), not "
            f"{os.environ[name]!r}."
        )
    return sorted({int(value) for value in values}, reverse=True)


# Days before a round's deadline on which officials with outstanding items get a reminder.
REMINDER_DAYS = env_days("REMINDER_DAYS", [7, 1])
