"""ErrorKB settings, all read from the environment.

DATABASE_URL unset means an SQLite file next to manage.py; a postgres:// URL means
PostgreSQL (production and CI). REDIS_URL switches the cache to Redis so every web
process shares it.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    # Only good for trying the project out; `check --deploy` flags it.
    SECRET_KEY = "django-insecure-local-only-errorkb"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "adminsortable2",
    "csp",
    "axes",
    "kb",
    "api",
]

MIDDLEWARE = [
    # First: the request id, the log line and the request metrics cover every
    # answer, the other middlewares' own included.
    "config.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # A NUL in the address is a 400 before any view or the session touches the
    # database (PostgreSQL text cannot hold it).
    "kb.nul_guard.NulGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that it turns a lockout flagged by the login view into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A persistent connection buys nothing for a local file.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}

IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # The cache is an accelerator: a Redis that is down or stalled costs a request
    # at most REDIS_TIMEOUT, then is left alone for REDIS_BREAKER_SECONDS while the
    # site answers from the database and process memory (config/redis_cache.py).
    REDIS_TIMEOUT = float(os.environ.get("REDIS_TIMEOUT", "0.25"))
    CACHES = {
        "default": {
            "BACKEND": "config.redis_cache.ReusingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "errorkb",
            "OPTIONS": {
                "socket_connect_timeout": REDIS_TIMEOUT,
                "socket_timeout": REDIS_TIMEOUT,
                "breaker_seconds": float(os.environ.get("REDIS_BREAKER_SECONDS", "5")),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or not os.environ.get("STATIC_MANIFEST", "")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True

# Requests bigger than this are refused before a view reads them.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("MAX_REQUEST_BYTES", str(1024 * 1024)))

# HTTPS-only cookies, redirects and HSTS are on for a production deployment (DEBUG
# off and a secret key given); a local try-out or the test suite speaks plain HTTP.
HTTPS_ONLY = env_bool("HTTPS_ONLY", not DEBUG and bool(os.environ.get("SECRET_KEY")))
SECURE_SSL_REDIRECT = HTTPS_ONLY
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = (
    int(os.environ.get("SECURE_HSTS_SECONDS", "31536000")) if HTTPS_ONLY else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS_ONLY
SECURE_HSTS_PRELOAD = HTTPS_ONLY
SESSION_COOKIE_SECURE = HTTPS_ONLY
CSRF_COOKIE_SECURE = HTTPS_ONLY
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Every script and style comes from our own static files (templates carry no inline
# script, event handler or style), so an injected one cannot run. JSON data blocks
# (JSON-LD, the admin's) are not scripts to a browser and need no exception.
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

# The admin's login: after LOGIN_FAILURE_LIMIT failures for one username from one
# client address (kb.clients' rule), that pair is refused for LOGIN_LOCKOUT_MINUTES.
AUTHENTICATION_BACKENDS = [
    "kb.login_lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(
    minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15"))
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "kb.clients.client_address"
AXES_LOCKOUT_CALLABLE = "kb.login_lockout.lockout_response"
# Without this axes prints a banner at the start of every manage.py command.
AXES_VERBOSE = False
# Masked in the form data axes keeps with each attempt (the password always is).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "csrfmiddlewaretoken"]

# One JSON object a line (config/json_logging.py), each with the request id of the
# request it belongs to; LOG_FORMAT=text for a person reading a terminal. The
# request lines come from config/request_log.py, so runserver's own (which show
# query strings) are left out.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.json_logging.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "config.json_logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "text" if os.environ.get("LOG_FORMAT") == "text" else "json",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.server": {"level": "WARNING"},
    },
}

# /metrics (config/metrics.py) answers these networks, or a bearer token; 404 to
# anyone else.
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", "127.0.0.0/8,::1")
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")

# The lookup engine: how much of a submitted body it examines.
KB_LOOKUP_BODY_LIMIT = int(os.environ.get("KB_LOOKUP_BODY_LIMIT", str(64 * 1024)))


def throttle_rate(name: str, default: str) -> str | None:
    value = os.environ.get(name, default).strip()
    return None if value.lower() == "off" else value


# How many proxies of ours stand in front of the app, each appending to
# X-Forwarded-For; the client's address is read from there (kb.clients) by every
# limit. 0 believes no header: the default, since anyone can send one.
TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ReadOnlyOrModelPermissions"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "api.filters.StrictOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "api.schema.ProblemAutoSchema",
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "api.client_throttles.AnonThrottle",
        "api.client_throttles.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": throttle_rate("THROTTLE_ANON", "120/min"),
        "user": throttle_rate("THROTTLE_USER", "600/min"),
        # Pages (kb.throttles): Diagnose posts, and votes from pages and the API.
        "diagnose": throttle_rate("THROTTLE_DIAGNOSE", "30/min"),
        "vote": throttle_rate("THROTTLE_VOTE", "10/min"),
        # The API docs and schema: their own allowance, apart from the API's.
        "docs": throttle_rate("THROTTLE_DOCS", "60/min"),
    },
    "NUM_PROXIES": TRUSTED_PROXIES,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "ErrorKB API",
    "DESCRIPTION": "Look up an error response and get back what it is and what to "
    "do. How the retry advice is decided, what its confidence means and how it "
    "compares with the official SDKs' retry rules: [/api/docs/retry/](/api/docs/retry/). "
    "Every error answer is application/problem+json; text anywhere in a request "
    "(path, query or body) may not contain NUL (U+0000), and such a request is "
    "answered 400.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_tags_and_descriptions",
    ],
    # What the URL converters accept, so that generated clients (and schemathesis)
    # do not build paths that cannot route.
    "PATH_CONVERTER_OVERRIDES": {
        "slug": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
        "str": {"type": "string", "pattern": "^[^/]+$"},
    },
}
