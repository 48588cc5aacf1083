"""One settings module for every environment: everything that differs comes from the environment.

DATABASE_URL        sqlite:///db.sqlite3 (default, in the project folder), sqlite:////abs/path,
                    postgres://user:pass@host:port/name or postgresql://...
DATABASE_REPLICA_URL a PostgreSQL streaming replica of DATABASE_URL (optional): the read-only board pages
                    read from it (bradford_cs.database)
DATABASE_CONN_MAX_AGE seconds a database connection is kept open between requests (default 0)
DJANGO_STATIC_ROOT  where collectstatic puts the static files (default: staticfiles/ in the project folder)
DJANGO_DEBUG        1/0/true/false (any case); off unless set; anything else is an error
DJANGO_SECRET_KEY   required when debug is off
DJANGO_ALLOWED_HOSTS comma-separated host names
DJANGO_SESSION_IDLE_MINUTES minutes without a request before a session ends (default 30)
DJANGO_TRUSTED_PROXY_COUNT how many proxies of ours stand in front (default 0: X-Forwarded-For is ignored)
DJANGO_LOGIN_FAILURE_LIMIT, DJANGO_LOGIN_COOLOFF_MINUTES wrong passwords before a user name is locked from
                    one address (default 5), and for how long (default 15)
DJANGO_PASSWORD_RESET_LIMIT_PER_EMAIL, _PER_ADDRESS reset requests an hour (defaults 3 and 10)
DJANGO_API_TOKEN_FAILURE_LIMIT, DJANGO_API_TOKEN_FAILURE_WINDOW_MINUTES refused API tokens from one address
                    before it is answered 429 (default 10), within how many minutes (default 15)
EMAIL_*             SMTP settings for production (console backend when debug is on)
ACCESSIBILITY_CONTACT_EMAIL, PRIVACY_CONTACT_EMAIL the addresses the accessibility statement and the privacy
                    notice give for problems and data requests (the running council's accessibility and data
                    protection contacts). No default: unset, the pages tell readers to ask the council that gave
                    them their account, and name no address
"""

import os
import re
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str = "0") -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in ("1", "true"):
        return True
    if value in ("0", "false"):
        return False
    raise ImproperlyConfigured(f"{name} must be 1, 0, true or false (any case), not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def envemail(name: str) -> str:
    """An optional email address; set but malformed is an error, not a broken link on a public page."""
    value = os.environ.get(name, "").strip()
    if value and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        raise ImproperlyConfigured(f"{name} must be an email address, not {value!r}")
    return value


DEBUG = envbool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off")
    # Development only: a fixed key is harmless because debug servers are never public.
    SECRET_KEY = "development-only-key-not-for-production-use-7c1f0b9e4d2a"

ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_tables2",
    "django_filters",
    "simple_history",
    "csp",
    "axes",
    "ui",
    "governance",
    "inspections",
    "plans",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost but one, so that error pages answered further in carry the policy and the nonce too.
    "csp.middleware.CSPMiddleware",
    "ui.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ui.middleware.SlidingSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Which database this request reads from, when there is a replica (bradford_cs.database).
    "bradford_cs.database.ReplicaRoutingMiddleware",
    # The audit trail's acting user and address (governance.audit) for everything the request changes.
    "governance.middleware.AuditRequestMiddleware",
    # API tokens are checked before the sign-in requirement: /api/ answers 401, never a sign-in redirect.
    "governance.middleware.BearerTokenMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as axes asks: turns a locked-out sign-in into governance.throttling.lockout_response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "bradford_cs.urls"

TEMPLATES = [
    {
        "NAME": "django",
        "BACKEND": "ui.template_backend.DjangoTemplates",  # frees each page's context when rendered
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bradford_cs.context_processors.service",
            ],
        },
    },
]

# Widget templates come from templates/ too (GOV.UK date input).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

WSGI_APPLICATION = "bradford_cs.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers wait for each other instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
if os.environ.get("DATABASE_REPLICA_URL"):
    # Board pages read from the replica; writes, and a user's reads just after their own writes, stay on the
    # primary (bradford_cs.database). Under test the replica is the test database itself (TEST MIRROR).
    DATABASES["replica"] = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"],
                                                 conn_max_age=envint("DATABASE_CONN_MAX_AGE", 0))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["bradford_cs.database.ReplicaRouter"]
for database in DATABASES.values():
    if database["ENGINE"] == "django.db.backends.postgresql":
        # PostgreSQL's JIT compiler costs the highlight report's plans query (nested visibility subqueries: a high
        # estimated cost, four rows) 0.6 s of compiling for 5 ms of work. A web app's queries are short: interpret.
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()

AUTH_USER_MODEL = "governance.User"
# Axes first, refusing a locked-out user name before any password is checked; then the model backend, reading
# the login's Person and organisation with it (the header names the organisation).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "governance.backends.SignInBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Throttling guesses (governance.throttling); every count is in the database, shared by all processes.
# The client's address: REMOTE_ADDR, or with DJANGO_TRUSTED_PROXY_COUNT proxies of our own in front, the address
# the outermost one saw in X-Forwarded-For (governance.throttling.ClientAddress). 0 ignores the header.
TRUSTED_PROXY_COUNT = envint("DJANGO_TRUSTED_PROXY_COUNT", 0)
LOGIN_FAILURE_LIMIT = envint("DJANGO_LOGIN_FAILURE_LIMIT", 5)
LOGIN_COOLOFF_MINUTES = envint("DJANGO_LOGIN_COOLOFF_MINUTES", 15)
PASSWORD_RESET_LIMIT_PER_EMAIL = envint("DJANGO_PASSWORD_RESET_LIMIT_PER_EMAIL", 3)  # an hour
PASSWORD_RESET_LIMIT_PER_ADDRESS = envint("DJANGO_PASSWORD_RESET_LIMIT_PER_ADDRESS", 10)  # an hour
API_TOKEN_FAILURE_LIMIT = envint("DJANGO_API_TOKEN_FAILURE_LIMIT", 10)
API_TOKEN_FAILURE_WINDOW_MINUTES = envint("DJANGO_API_TOKEN_FAILURE_WINDOW_MINUTES", 15)
for _name, _value, _least in [
    ("DJANGO_TRUSTED_PROXY_COUNT", TRUSTED_PROXY_COUNT, 0),
    ("DJANGO_LOGIN_FAILURE_LIMIT", LOGIN_FAILURE_LIMIT, 1),
    ("DJANGO_LOGIN_COOLOFF_MINUTES", LOGIN_COOLOFF_MINUTES, 1),
    ("DJANGO_PASSWORD_RESET_LIMIT_PER_EMAIL", PASSWORD_RESET_LIMIT_PER_EMAIL, 1),
    ("DJANGO_PASSWORD_RESET_LIMIT_PER_ADDRESS", PASSWORD_RESET_LIMIT_PER_ADDRESS, 1),
    ("DJANGO_API_TOKEN_FAILURE_LIMIT", API_TOKEN_FAILURE_LIMIT, 1),
    ("DJANGO_API_TOKEN_FAILURE_WINDOW_MINUTES", API_TOKEN_FAILURE_WINDOW_MINUTES, 1),
]:
    if _value < _least:
        raise ImproperlyConfigured(f"{_name} must be at least {_least}, not {_value}")

# django-axes: a user name is locked from one address (many colleagues behind one council proxy are not
# locked together, and a stranger guessing a colleague's password does not lock them out everywhere) after
# LOGIN_FAILURE_LIMIT wrong passwords, for LOGIN_COOLOFF_MINUTES after the last one; failures while locked do
# not extend the lock, so the page can say when it ends. Admins lift a lock in the admin
# (governance.admin_lockouts).
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = "governance.throttling.login_cool_off"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "governance.throttling.client_address"
AXES_LOCKOUT_CALLABLE = "governance.throttling.lockout_response"
AXES_ENABLE_ADMIN = False  # governance.admin_lockouts registers a scoped admin instead
# Successful sign-ins belong in the audit trail; axes' own log of them would be a second copy nobody is shown.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

DJANGO_TABLES2_TEMPLATE = "includes/table.html"

# Mail: the console in development, SMTP from the environment in production.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "improvement-tracker@localhost")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "0")

# Uploads for the plan import: refuse anything larger before reading it.
IMPORT_MAX_BYTES = envint("IMPORT_MAX_BYTES", 5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_BYTES + 1024 * 1024

# Sessions live in the database and end after DJANGO_SESSION_IDLE_MINUTES without a request: the expiry slides
# with each request, saved at most once a SESSION_SLIDE_SECONDS (ui.middleware.SlidingSessionMiddleware) so
# that a page does not pay a session write every time. base.html warns before the end
# (ui/static/ui/session-timeout.js) and "Stay signed in" posts to ui.views.keep_alive without leaving the page
# (WCAG 2.2.1).
SESSION_ENGINE = "ui.sessions"
SESSION_IDLE_MINUTES = envint("DJANGO_SESSION_IDLE_MINUTES", 30)
if SESSION_IDLE_MINUTES < 1:
    raise ImproperlyConfigured(f"DJANGO_SESSION_IDLE_MINUTES must be at least 1, not {SESSION_IDLE_MINUTES}")
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SLIDE_SECONDS = 60  # the warning comes two minutes before the end, so a minute's slack is safe
SESSION_EXPIRE_AT_BROWSER_CLOSE = True  # a shared office computer: closing the browser signs out too
# Lax, not Strict: a link in a reminder email must arrive signed in; cross-site POSTs still carry no cookie.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_HTTPONLY = True
# Forms carry the token in the page ({% csrf_token %}); no script reads the cookie.
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Powerful browser features the service never uses, refused for it and anything it embeds
# (ui.middleware.PermissionsPolicyMiddleware writes the header).
PERMISSIONS_POLICY = dict.fromkeys(
    ["accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope", "magnetometer",
     "microphone", "midi", "payment", "publickey-credentials-get", "screen-wake-lock", "serial", "usb"], "()")
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", "1")
    SECURE_HSTS_SECONDS = envint("DJANGO_SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy (django-csp): scripts and styles from this site only, and an inline one only with
# the page's nonce (`nonce="{{ request.csp_nonce }}"`); no plugins, no framing, forms post here only. The
# admin's pages work under it: Django's admin scripts are files, its one inline <style> is given the nonce
# (templates/admin/change_list.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Links in emails (reminders, password reset from commands) point here.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

SERVICE_NAME = "Children's Services Improvement Tracker"

# The public pages' contacts (ui.views.accessibility, ui.views.privacy): each council's own, set per deployment.
ACCESSIBILITY_CONTACT_EMAIL = envemail("ACCESSIBILITY_CONTACT_EMAIL")
PRIVACY_CONTACT_EMAIL = envemail("PRIVACY_CONTACT_EMAIL")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
