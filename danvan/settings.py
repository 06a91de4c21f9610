"""Settings read from the environment; safe defaults for a developer machine."""
import datetime
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name, default):
    value = os.getenv(name, "")
    if value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name, default, minimum=0):
    value = os.getenv(name, "").strip()
    if value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}")
    return number


def envlist(name, default):
    value = os.getenv(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = envbool("DEBUG", True)
SECRET_KEY = os.getenv("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    # A developer machine gets its own random key, kept out of the repository.
    _dev_key = BASE_DIR / ".dev-secret-key"
    if not _dev_key.exists():
        _dev_key.write_text(get_random_secret_key())
    SECRET_KEY = _dev_key.read_text().strip()
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])

INSTALLED_APPS = [
    "models_registry.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "models_registry",
]

MIDDLEWARE = [
    "danvan.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "danvan.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "danvan.middleware.RejectNulCharactersMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # A second factor still to give, or a one-time password still to replace: nothing else opens.
    "models_registry.signin.SignInGateMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "danvan.middleware.DatabaseUnavailableMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "danvan.urls"
WSGI_APPLICATION = "danvan.wsgi.application"

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
                "models_registry.access.context",
                "models_registry.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.getenv("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("CONN_MAX_AGE", 0 if DEBUG else 60),
        conn_health_checks=True,
    )
}
if os.getenv("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["danvan.db_router.ReportReplicaRouter"]
    MIDDLEWARE.append("danvan.db_router.ReportReplicaMiddleware")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The report index's INCLUDE columns are a PostgreSQL speed-up; SQLite builds a plain index.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
    # Several requests write at once on the demo server; WAL keeps readers unblocked.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "models_registry.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

AUTHENTICATION_BACKENDS = [
    "danvan.auth_backends.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five wrong passwords for one account from one address lock that pair out for 15 minutes.
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=envint("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# The client's address comes from django-ipware. Behind reverse proxies (nginx: 1; a load balancer
# in front of nginx: 2) it is the entry that the proxies' X-Forwarded-For chain says the outermost
# proxy saw: the client may put anything in front of it, never in its place. Without proxies
# X-Forwarded-For is ignored, since anyone could send one. Set TRUSTED_PROXY_COUNT=0 when gunicorn
# faces the clients directly.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 1 if envbool("BEHIND_PROXY", not DEBUG) else 0)
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    # ipware counts the proxies listed in the header; the nearest one is REMOTE_ADDR, not listed.
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT - 1
    AXES_IPWARE_PROXY_ORDER = "left-most"
    # Not strict: a chain longer than the proxies make (the client's own header in front) still
    # yields the entry at the trusted position instead of falling back to the proxy's address.
    IPWARE_STRICT = False
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# No inline scripts anywhere: pages load their JavaScript from static/ only.
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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "models_registry.signin.MinimumLengthValidator",
     "OPTIONS": {"min_length": envint("PASSWORD_MIN_LENGTH", 10)}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# One-time passwords (new accounts, resets by staff) are long random strings that work once and
# expire, so a cheaper hash is enough; it lets staff create thousands of accounts in one request.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "models_registry.signin.OneTimePasswordHasher",
]
ONE_TIME_PASSWORD_DAYS = envint("ONE_TIME_PASSWORD_DAYS", 14)
# Administrators sign in with an authenticator app as well; off on a developer machine.
OTP_REQUIRED_FOR_SUPERUSERS = envbool("OTP_REQUIRED_FOR_SUPERUSERS", not DEBUG)
OTP_TOTP_ISSUER = "Dân vận khéo"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["danvan.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "danvan.storage.StaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# The admin exports only (imports go through models_registry/services/imports/).
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

if os.getenv("REDIS_URL"):
    # One Redis client per connection pool, not one per call (danvan/cache.py).
    CACHES = {"default": {"BACKEND": "danvan.cache.ReusedClientRedisCache", "LOCATION": os.environ["REDIS_URL"]}}
    # Sessions are read on every signed-in request: from the shared cache, written through to
    # the database. Only with a shared cache: a per-process one would keep a logged-out
    # session alive in the other workers.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # The workers of this machine share a cache in files, so they share the data version that
    # copies are keyed by (models_registry/freshness.py); the oldest copies go past MAX_ENTRIES.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": os.getenv("CACHE_DIR", str(BASE_DIR / ".cache")),
                          "OPTIONS": {"MAX_ENTRIES": 5000}}}

# Copies of public pages and of built reports live this long at most (0: no copies); they are
# dropped as soon as the data behind them changes (models_registry/freshness.py).
PUBLIC_PAGE_CACHE_SECONDS = envint("PUBLIC_PAGE_CACHE_SECONDS", 600)
REPORT_CACHE_SECONDS = envint("REPORT_CACHE_SECONDS", 600)

# Background work (notification emails, reminders): django-tasks with its database backend, so the
# task rows are written in the transaction of the change that asks for them. `manage.py db_worker`
# runs them (docs/deploy.md has its systemd unit).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Email: printed to the console in development, SMTP from the environment in production.
EMAIL_BACKEND = os.getenv(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.getenv("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "Dân vận khéo <no-reply@localhost>")
# A failed email is tried again after this many seconds, doubling each time (at most a day).
NOTIFICATION_RETRY_SECONDS = envint("NOTIFICATION_RETRY_SECONDS", 60)

SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
if not DEBUG:
    # Behind nginx, which terminates TLS and sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", True)
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "danvan.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"level": "WARNING" if not DEBUG else "INFO"},
        # django-axes logs every successful login at INFO; failures and lockouts stay visible.
        "axes": {"level": "WARNING"},
    },
}

# The open API (/api/v1/): read-only, anonymous, JSON; throttled per client address through the
# default cache, which the app servers share when REDIS_URL is set.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.getenv("API_RATE_LIMIT", "120/minute")},
    # The same proxies as the login lockout trusts: the client is the entry the outermost one saw.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "UNICODE_JSON": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API mở Cổng thông tin Dân vận khéo",
    "DESCRIPTION": "Dữ liệu các mô hình “Dân vận khéo” đã được công nhận và số liệu công khai; chỉ đọc, "
                   "giấy phép CC BY 4.0. Xem trang /mo-hinh/du-lieu-mo/.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# The models map draws no tiles unless the deployment has its own tile server (closed network):
# e.g. MAP_TILE_URL=https://tiles.example.gov.vn/{z}/{x}/{y}.png. Its origin is allowed for images.
MAP_TILE_URL = os.getenv("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.getenv("MAP_TILE_ATTRIBUTION", "")
if MAP_TILE_URL:
    from urllib.parse import urlsplit

    _tiles = urlsplit(MAP_TILE_URL)
    if _tiles.scheme not in ("http", "https") or not _tiles.netloc:
        raise ImproperlyConfigured("MAP_TILE_URL must be an http(s) address with {z}/{x}/{y}.")
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(f"{_tiles.scheme}://{_tiles.netloc}")

# Registration years accepted by the portal: the movement's records start in 2010.
FIRST_REGISTRATION_YEAR = 2010

# Rows on one page of the staff list and of a report's list (models_registry/pagination.py).
LIST_PAGE_SIZE = 50

# Certificates (models_registry/certificates.py): the address their QR code opens, when the portal
# is reached under another name inside the office network; and the commission's PKCS#12 file
# that signs the PDFs (unset: PDFs are not signed). See docs/deploy.md.
PUBLIC_BASE_URL = os.getenv("PUBLIC_BASE_URL", "").rstrip("/")
CERTIFICATE_SIGNING_P12 = os.getenv("CERTIFICATE_SIGNING_P12", "")
CERTIFICATE_SIGNING_PASSWORD = os.getenv("CERTIFICATE_SIGNING_PASSWORD", "")

# Bounds on an imported spreadsheet (models_registry/services/imports/reader.py): a file
# past any of them is refused with a message, within IMPORT_MAX_SECONDS.
IMPORT_MAX_BYTES = envint("IMPORT_MAX_BYTES", 10 * 1024 * 1024)
IMPORT_MAX_ROWS = envint("IMPORT_MAX_ROWS", 50000)
IMPORT_MAX_COLUMNS = envint("IMPORT_MAX_COLUMNS", 200)
IMPORT_MAX_CELLS = envint("IMPORT_MAX_CELLS", 3000000)
IMPORT_MAX_SECONDS = float(os.getenv("IMPORT_MAX_SECONDS", "30"))
IMPORT_MAX_SHARED_STRINGS = envint("IMPORT_MAX_SHARED_STRINGS", 1000000)
IMPORT_MAX_SHARED_STRINGS_BYTES = envint("IMPORT_MAX_SHARED_STRINGS_BYTES", 64 * 1024 * 1024)
IMPORT_MAX_XML_BYTES = envint("IMPORT_MAX_XML_BYTES", 256 * 1024 * 1024)

# Work bigger than these runs on the worker (`manage.py db_worker`) with a progress page instead
# of holding the request: confirming an import of more rows, exporting more registrations to
# Excel, printing more certificates of one decision.
IMPORT_BACKGROUND_ROWS = envint("IMPORT_BACKGROUND_ROWS", 2000)
EXPORT_BACKGROUND_ROWS = envint("EXPORT_BACKGROUND_ROWS", 5000)
CERTIFICATES_BACKGROUND_COUNT = envint("CERTIFICATES_BACKGROUND_COUNT", 100)
