"""Settings for the archive, read from the environment with safe local defaults.

DEBUG is off unless DEBUG=1; with DEBUG off, SECRET_KEY must come from the environment.
DATABASE_URL defaults to an SQLite file under var/; CI sets it to PostgreSQL.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ARCHIVE_VAR_DIR", BASE_DIR / "var"))


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment, or DEBUG=1 for local use."
        )
    SECRET_KEY = "local-development-key-not-for-production"  # noqa: S105

ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "haystack",
    "archive",
    "search",
]

MIDDLEWARE = [
    "config.timing.ServerTimingMiddleware",  # first, so its total covers the others
    "django.middleware.security.SecurityMiddleware",
    "config.security.ReadOnlyMethodsMiddleware",
    # Static files are answered here, before sessions and the rest (whitenoise's documented place).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.security.ContentSecurityPolicyMiddleware",
    "config.security.AdminLoginThrottleMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "config.security.NulCharacterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "config.timing.TimedTemplates",  # Django's, timed for Server-Timing
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

if "DATABASE_URL" not in os.environ:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded default needs its folder
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'archive.sqlite3'}"),
        conn_max_age=60,
    )
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Write-ahead logging: readers never wait for a writer. Without it, an import whose
    # transaction outgrows SQLite's page cache takes the exclusive lock early and every page
    # read fails with "database is locked" until it commits (bench/, 100,000 clauses).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", timeout=20
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ja", "日本語")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# `collectstatic` (in `make serve`) copies static/ here; whitenoise serves it when DEBUG is off.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Outside DEBUG: hashed names (cached for a year by browsers) and gzip copies. These need the
    # manifest `collectstatic` writes, so local runs and tests keep the plain storage.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Follow the DEBUG of the environment, not the one the test runner switches off: with DEBUG=1
# whitenoise reads static/ as it changes and needs no STATIC_ROOT.
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG

# The Whoosh index (a folder); `make run` builds it, imports keep it in step.
SEARCH_INDEX_PATH = Path(os.environ.get("SEARCH_INDEX_PATH", VAR_DIR / "whoosh_index"))
# The bulk downloads served at /data/ (archive/research/datasets.py); every import rewrites them.
DATASETS_DIR = Path(os.environ.get("DATASETS_DIR", VAR_DIR / "data"))
HAYSTACK_CONNECTIONS = {
    "default": {
        "ENGINE": "search.backend.ArchiveWhooshEngine",
        "PATH": str(SEARCH_INDEX_PATH),
    }
}
# Index updates happen once per import or admin save, after commit (search/apps.py), not per row.
HAYSTACK_SIGNAL_PROCESSOR = "haystack.signals.BaseSignalProcessor"
# Term bitmasks each server process keeps for the current index (search/index_view.py), least
# recently used first out; each is clauses / 8 bytes (2000 × 12 kB ≈ 25 MB at 100,000 clauses).
SEARCH_CACHE_TERM_MASKS = int(os.environ.get("SEARCH_CACHE_TERM_MASKS", 2000))
# Searchers each process lends its threads for ranking, so that one search's ranking never
# waits for another's (a Whoosh searcher cannot be shared unlocked): one per gunicorn thread.
SEARCH_RANKERS = int(os.environ.get("SEARCH_RANKERS", os.environ.get("GUNICORN_THREADS", 4)))
# Seconds one search may spend ranking; past it, the search is shown newest first and says so.
SEARCH_RANK_SECONDS = float(os.environ.get("SEARCH_RANK_SECONDS", 3.0))
# A web worker's refresher thread (search/worker.py): how often it looks for a changed index
# folder, and how often it asks the database whether the archive has changed on another node.
SEARCH_REFRESH_SECONDS = float(os.environ.get("SEARCH_REFRESH_SECONDS", 0.5))
SEARCH_SYNC_SECONDS = float(os.environ.get("SEARCH_SYNC_SECONDS", 2.0))
# Seconds a browser or a shared cache may show a reading page without asking again; after
# that it asks with the page's ETag and gets 304 unless the archive changed (archive.freshness).
PAGE_MAX_AGE = int(os.environ.get("PAGE_MAX_AGE", 60))
# Pages and search results as drawn for readers, kept on disk where every server process of
# this machine finds them (archive.freshness; diskcache: SQLite-indexed files, so a lookup or a
# store costs the same however full it is). Keyed by the archive's generation, so an import
# makes the old entries unreachable; the least recently stored go first past PAGE_CACHE_MB.
# PAGE_CACHE=0 draws every page afresh.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {
        "BACKEND": "diskcache.DjangoCache"
        if env_flag("PAGE_CACHE", True)
        else "django.core.cache.backends.dummy.DummyCache",
        "LOCATION": os.environ.get("PAGE_CACHE_DIR", str(VAR_DIR / "page_cache")),
        "TIMEOUT": 7 * 24 * 3600,
        "OPTIONS": {"size_limit": int(os.environ.get("PAGE_CACHE_MB", 512)) * 2**20},
    },
}

# Recurring language (archive/research/recurring.py): links to clauses of other texts that say
# nearly the same, recomputed in the transaction of each import or edit for the documents it
# changed. Off, `manage.py find_recurring` computes them as a separate step.
FIND_RECURRING_LANGUAGE = env_flag("FIND_RECURRING_LANGUAGE", True)

# Where `import_documents` looks when given no paths.
FIXTURES_DIR = BASE_DIR / "fixtures"

# What one source file may hold; a file over a limit is refused with a sentence naming it
# (one 5 MB line or 200,000 headings would slow every page and search that met them).
MB = 1024 * 1024
IMPORT_MAX_TEXT_BYTES = int(os.environ.get("IMPORT_MAX_TEXT_BYTES", 20 * MB))  # .txt and .html
IMPORT_MAX_PDF_BYTES = int(os.environ.get("IMPORT_MAX_PDF_BYTES", 50 * MB))
# What a PDF's compressed streams may expand to, checked before it is read (a PDF bomb).
IMPORT_MAX_PDF_INFLATED_BYTES = int(os.environ.get("IMPORT_MAX_PDF_INFLATED_BYTES", 200 * MB))
IMPORT_MAX_CLAUSE_CHARS = int(os.environ.get("IMPORT_MAX_CLAUSE_CHARS", 20_000))
IMPORT_MAX_SECTIONS = int(os.environ.get("IMPORT_MAX_SECTIONS", 2_000))
IMPORT_MAX_CLAUSES = int(os.environ.get("IMPORT_MAX_CLAUSES", 5_000))
IMPORT_MAX_LINES = int(os.environ.get("IMPORT_MAX_LINES", 50_000))  # checked before parsing
# The workbench fetches a source from a public address only; tests that serve pages on
# 127.0.0.1 switch the refusal of private and loopback addresses off, never a deployment.
WORKBENCH_FETCH_PRIVATE = os.environ.get("WORKBENCH_FETCH_PRIVATE", "") == "1"

# Sent on every response (config/security.py). The templates load only our own CSS and JS
# files and use no inline script or style, so nothing else needs allowing.
CONTENT_SECURITY_POLICY = os.environ.get(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'",
)

if not DEBUG:
    SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Failed admin logins allowed per address within the window (seconds) before 429 answers.
ADMIN_LOGIN_ATTEMPTS = int(os.environ.get("ADMIN_LOGIN_ATTEMPTS", "5"))
ADMIN_LOGIN_WINDOW = int(os.environ.get("ADMIN_LOGIN_WINDOW", "900"))
# The reverse proxies in front of the site (nginx, a load balancer), by address: behind them a
# reader's address is read from X-Forwarded-For (config.security.client_address).
TRUSTED_PROXIES = frozenset(
    address.strip() for address in os.environ.get("TRUSTED_PROXIES", "").split(",") if address
)
