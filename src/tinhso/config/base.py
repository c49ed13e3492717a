"""Settings for every environment; each value comes from an environment variable.

Production differs from development only by environment (see README, "Configuration").
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # src/tinhso
BASE_DIR = PACKAGE_DIR.parent.parent  # the repository root
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

# Keys that must never protect a real deployment: the development key below and the
# placeholder of .env.example.
INSECURE_SECRET_KEYS = frozenset(
    {"", "django-insecure-tinhso-development-only", "change-me", "changeme"}
)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not DEBUG and SECRET_KEY in INSECURE_SECRET_KEYS:
    raise ImproperlyConfigured(
        "SECRET_KEY is missing or is a development value; set a long random SECRET_KEY "
        "(or DEBUG=true on a development machine)."
    )
if not SECRET_KEY:
    SECRET_KEY = "django-insecure-tinhso-development-only"  # noqa: S105 (DEBUG only)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "tinhso.core",
    "tinhso.directory",
    "tinhso.workcalendar",
    "tinhso.procedures",
    "tinhso.notifications",
    "tinhso.signatures",
    "tinhso.exchange",
    "tinhso.payments",
    "tinhso.dossiers",
    "tinhso.documents",
    "tinhso.records",
    "tinhso.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tinhso.core.gateway.middleware.GatewayMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tinhso.web.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "tinhso.config.urls"
WSGI_APPLICATION = "tinhso.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tinhso.web.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# SQLite (WAL) under var/ is the embedded default; PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'tinhso.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles the statistics' aggregates for seconds to save milliseconds
    # (bench/README.md, 3b): off, unless DATABASE_URL says `?options=-c jit=on`.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections: opening a PostgreSQL connection (a backend process, authentication,
# cold catalogue caches) costs more than a lookup itself. Kept 60 s by default when DEBUG is
# off (gunicorn's workers reuse them; health-checked before reuse); none under runserver,
# whose thread per request would leave them behind. `?conn_max_age=` in DATABASE_URL or
# DB_CONN_MAX_AGE overrides.
if "conn_max_age" not in env.str("DATABASE_URL", default=""):
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "directory.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:backoffice"
LOGOUT_REDIRECT_URL = "web:home"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "tinhso.directory.oidc.NationalIdBackend",  # answers only when OIDC_RP_CLIENT_ID is set
]

# --- Sign-in through the national identity provider (OpenID Connect) ---------------------
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid profile")
# The claim holding the 12-digit personal identification number (provider-specific).
OIDC_IDENTIFIER_CLAIM = env.str("OIDC_IDENTIFIER_CLAIM", default="sub")
OIDC_AUTHENTICATION_CALLBACK_URL = "web:oidc_callback"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?oidc=failed"
OIDC_TIMEOUT = 10

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language, time zone, formats ------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Off on purpose: template values that machines read (ids in form fields, versions, SVG
# coordinates) must never get a thousands separator. Figures for people go through the
# `number_vi` filter (20.917.436) and dates through the Vietnamese formats (03/11/2020).
USE_THOUSAND_SEPARATOR = False
FORMAT_MODULE_PATH = ["tinhso.formats"]

# --- Static and uploaded files ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {
        "BACKEND": env.str("STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage")
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

WHITENOISE_USE_FINDERS = DEBUG

# --- Email -----------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Tỉnh Số <no-reply@localhost>")

# --- SMS gateway (tinhso.notifications.sms) ----------------------------------------------
SMS_BACKEND = env.str("SMS_BACKEND", default="tinhso.notifications.sms.LoggingSmsGateway")
SMS_OPTIONS = env.json("SMS_OPTIONS", default={})

# --- Demo data (tinhso seed) -------------------------------------------------------------
# Documents in the books of the full-scale demo's year (the seed report's 3,100,480; a smaller
# figure for a lighter full demo or a quick benchmark; 0 for none).
DEMO_YEAR_DOCUMENTS = env.int("DEMO_YEAR_DOCUMENTS", default=3_100_480)

# --- Digital signatures (tinhso.signatures) ---------------------------------------------
# PEM files of CA certificates trusted besides the admin's "CA tin cậy" table.
SIGNATURE_TRUST_ROOTS = env.list("SIGNATURE_TRUST_ROOTS", default=[])
# Fetch missing CRLs and OCSP answers from the addresses in certificates (network access).
SIGNATURE_FETCH_REVOCATION = env.bool("SIGNATURE_FETCH_REVOCATION", default=False)
# The CRL address written into certificates of the development CA (demo and tests only).
SIGNATURE_DEV_CA_CRL_URL = env.str(
    "SIGNATURE_DEV_CA_CRL_URL", default="http://crl.tinhso.invalid/dev-ca.crl"
)
# PKCS#11 modules (absolute paths of .so files) that keys on tokens or HSMs may load; no
# other library is ever loaded (loading one runs its code in the server). ADR 0007.
SIGNATURE_PKCS11_MODULES = env.list("SIGNATURE_PKCS11_MODULES", default=[])

# --- The exchange node (tinhso.exchange; docs/adr/0012-exchange-node.md) -----------------
# PEM files of this node's edXML signing key and certificate (required outside DEBUG).
EXCHANGE_KEY_FILE = env.str("EXCHANGE_KEY_FILE", default="")
EXCHANGE_CERT_FILE = env.str("EXCHANGE_CERT_FILE", default="")
# Without them, DEBUG makes a self-signed development identity once, kept here.
EXCHANGE_DEV_IDENTITY = env.bool("EXCHANGE_DEV_IDENTITY", default=DEBUG)
EXCHANGE_DEV_DIR = env.path("EXCHANGE_DEV_DIR", default=str(VAR_DIR / "exchange"))
# The API key this node presents to each peer, by peer name: {"kien-giang": "…"}.
EXCHANGE_PEER_KEYS = env.json("EXCHANGE_PEER_KEYS", default={})
# A JSON file of more such keys, read at each send (so a peer added while the node runs is
# reached without a restart; `tinhso exchange second-node` writes it); the variable above
# wins for a name in both.
EXCHANGE_PEER_KEYS_FILE = env.path(
    "EXCHANGE_PEER_KEYS_FILE", default=str(Path(EXCHANGE_DEV_DIR) / "peer-keys.json")
)
# Attempts before a message goes to the dead letters; the first retry waits this long (s).
EXCHANGE_MAX_ATTEMPTS = env.int("EXCHANGE_MAX_ATTEMPTS", default=8)
EXCHANGE_RETRY_BASE_SECONDS = env.float("EXCHANGE_RETRY_BASE_SECONDS", default=30.0)
EXCHANGE_HTTP_TIMEOUT = env.float("EXCHANGE_HTTP_TIMEOUT", default=30.0)
# Days the message log keeps its entries (the periodic job `exchange.log_retention` deletes
# older ones, keeping the chain verifiable from the oldest kept entry).
EXCHANGE_LOG_RETENTION_DAYS = env.int("EXCHANGE_LOG_RETENTION_DAYS", default=3650)

# --- National adapters (tinhso.exchange.national; docs/adr/0014-national-adapters.md) ------
# The simulators of the national portal (/simulators/dvcqg/) and of the national population
# database (/simulators/csdlqgdc/): demo and tests.
NATIONAL_SIMULATORS = env.bool("NATIONAL_SIMULATORS", default=DEBUG)
# The national public-service portal (DVCQG): base URL of its push API ("" sends nothing, the
# pushes wait in the queue), and the client credentials its token endpoint expects.
NATIONAL_PORTAL_URL = env.str(
    "NATIONAL_PORTAL_URL", default="http://127.0.0.1:8000/simulators/dvcqg" if DEBUG else ""
)
NATIONAL_PORTAL_CLIENT_ID = env.str("NATIONAL_PORTAL_CLIENT_ID", default="tinhso-dev")
NATIONAL_PORTAL_CLIENT_SECRET = env.str(
    "NATIONAL_PORTAL_CLIENT_SECRET", default="dvcqg-simulator-secret" if DEBUG else ""
)
NATIONAL_PORTAL_TIMEOUT = env.float("NATIONAL_PORTAL_TIMEOUT", default=15.0)
# Local dossier state -> the portal's status code 1-10 (env JSON overrides the default).
NATIONAL_PORTAL_STATUS_MAP = env.json(
    "NATIONAL_PORTAL_STATUS_MAP",
    default={
        "submitted": 1,
        "received": 2,
        "rejected": 3,
        "processing": 4,
        "inter_agency": 4,
        "waiting_supplement": 5,
        "waiting_payment": 6,
        "withdrawn": 7,
        "paused": 8,
        "cancelled": 8,
        "result_ready": 9,
        "returned": 10,
    },
)
# The national population database: base URL of its lookup API ("" turns prefill off) and
# the key this platform presents.
NATIONAL_POPULATION_URL = env.str(
    "NATIONAL_POPULATION_URL",
    default="http://127.0.0.1:8000/simulators/csdlqgdc" if DEBUG else "",
)
NATIONAL_POPULATION_KEY = env.str(
    "NATIONAL_POPULATION_KEY", default="csdlqgdc-simulator-key" if DEBUG else ""
)
# Outside DEBUG the simulators' published values are refused at start (check national.E001,
# E002) unless NATIONAL_SIMULATORS is on.
NATIONAL_POPULATION_TIMEOUT = env.float("NATIONAL_POPULATION_TIMEOUT", default=5.0)

# --- Public postal service (tinhso.exchange.postal; docs/adr/0015-postal-service.md) ------
# The simulator of the VNPost-like postal API under /simulators/buu-chinh/: demo and tests.
POSTAL_SIMULATOR = env.bool("POSTAL_SIMULATOR", default=DEBUG)
# Base URL of the postal API ("" requests nothing: shipments wait, state "to_request") and the
# token this platform presents in the `Token` header.
POSTAL_API_URL = env.str(
    "POSTAL_API_URL", default="http://127.0.0.1:8000/simulators/buu-chinh/api" if DEBUG else ""
)
POSTAL_API_KEY = env.str("POSTAL_API_KEY", default="buu-chinh-simulator-key" if DEBUG else "")
POSTAL_TIMEOUT = env.float("POSTAL_TIMEOUT", default=10.0)
# The secret the postal service signs its status callbacks with (HMAC-SHA256 of the body in
# X-Postal-Signature; empty refuses every callback), and the address of our callback endpoint
# it is given with each shipment. Outside DEBUG the simulator's published values are refused
# at start (check postal.E001) unless POSTAL_SIMULATOR is on.
POSTAL_WEBHOOK_SECRET = env.str(
    "POSTAL_WEBHOOK_SECRET", default="buu-chinh-simulator-secret" if DEBUG else ""
)
POSTAL_CALLBACK_URL = env.str(
    "POSTAL_CALLBACK_URL", default="http://127.0.0.1:8000/api/v1/postal/status"
)
# The value declared for a result sent by post (đồng; insurance of the item).
POSTAL_DECLARED_VALUE = env.int("POSTAL_DECLARED_VALUE", default=0)

# --- Online payment (tinhso.payments; docs/adr/0013-payments.md) -------------------------
# The simulators under /simulators/ (CardGatewaySimulator, PayGovSimulator): demo and tests.
PAYMENT_SIMULATORS = env.bool("PAYMENT_SIMULATORS", default=DEBUG)
PAYMENT_SIMULATOR_URL = env.str("PAYMENT_SIMULATOR_URL", default="http://127.0.0.1:8000")
PAYMENT_GATEWAYS = {
    "card": {
        "CLASS": "tinhso.payments.gateways.card.CardGateway",
        "TMN_CODE": env.str("PAYMENT_CARD_TMN_CODE", default="TINHSO01"),
        "SECRET": env.str("PAYMENT_CARD_SECRET", default="card-simulator-secret"),
        "PAY_URL": env.str("PAYMENT_CARD_PAY_URL", default="/simulators/the/thanh-toan/"),
        "API_URL": env.str(
            "PAYMENT_CARD_API_URL",
            default=f"{PAYMENT_SIMULATOR_URL}/simulators/the/api/transaction",
        ),
        "TIMEOUT": env.float("PAYMENT_GATEWAY_TIMEOUT", default=10.0),
    },
    "paygov": {
        "CLASS": "tinhso.payments.gateways.paygov.PayGovGateway",
        "PARTNER_CODE": env.str("PAYMENT_PAYGOV_PARTNER_CODE", default="TINHSO"),
        "SECRET": env.str("PAYMENT_PAYGOV_SECRET", default="paygov-simulator-secret"),
        "PAY_URL": env.str("PAYMENT_PAYGOV_PAY_URL", default="/simulators/paygov/thanh-toan/"),
        "API_URL": env.str(
            "PAYMENT_PAYGOV_API_URL", default=f"{PAYMENT_SIMULATOR_URL}/simulators/paygov/api"
        ),
        "TIMEOUT": env.float("PAYMENT_GATEWAY_TIMEOUT", default=10.0),
    },
}
PAYMENT_REQUEST_DAYS = env.int("PAYMENT_REQUEST_DAYS", default=30)
PAYMENT_ATTEMPT_MINUTES = env.int("PAYMENT_ATTEMPT_MINUTES", default=15)
PAYMENT_EXPIRY_GRACE_MINUTES = env.int("PAYMENT_EXPIRY_GRACE_MINUTES", default=15)
PAYMENT_RECONCILE_AFTER_SECONDS = env.int("PAYMENT_RECONCILE_AFTER_SECONDS", default=600)
PAYMENT_NOTICE_MAX_AGE_SECONDS = env.int("PAYMENT_NOTICE_MAX_AGE_SECONDS", default=900)
# Electronic receipts (biên lai điện tử, ADR 0013): the form symbol and the series ("{yy}" is
# the year's last two digits) printed on each receipt (check: the province's registered
# values); the passphrase that opens the organs' keys for receipts signed without a person at
# the keyboard (empty: receipts stay unsigned and say so; the demo keys use the demo one).
PAYMENT_RECEIPT_FORM = env.str("PAYMENT_RECEIPT_FORM", default="01BLP0-001")
PAYMENT_RECEIPT_SERIES = env.str("PAYMENT_RECEIPT_SERIES", default="BL{yy}E")
PAYMENT_RECEIPT_KEY_PASSPHRASE = env.str(
    "PAYMENT_RECEIPT_KEY_PASSPHRASE", default="TinhSo@2020" if DEBUG else ""
)

# --- Background tasks (Django Tasks API) -----------------------------------------------
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
_task_backend = env.str("TASK_BACKEND", default="database")
if _task_backend not in TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASK_BACKEND must be one of {', '.join(sorted(TASK_BACKENDS))}, not {_task_backend!r}."
    )
TASKS = {"default": {"BACKEND": TASK_BACKENDS[_task_backend]}}

# --- Service gateway (tinhso.core.gateway; docs/adr/0016-service-gateway.md) -------------
# Requests per minute an API client may make unless its row sets its own (0: no limit);
# counted in the database, shared by every worker.
GATEWAY_RATE_LIMIT_PER_MINUTE = env.int("GATEWAY_RATE_LIMIT_PER_MINUTE", default=600)
# The log of every API request of an authenticated client, and the days it is kept (the
# daily job `core.gateway_prune` deletes older entries).
GATEWAY_REQUEST_LOG = env.bool("GATEWAY_REQUEST_LOG", default=True)
GATEWAY_LOG_RETENTION_DAYS = env.int("GATEWAY_LOG_RETENTION_DAYS", default=90)
# How often each process adds its request counters to the shared metric rows (0: only when
# /metrics is scraped from that process).
GATEWAY_METRICS_FLUSH_SECONDS = env.float("GATEWAY_METRICS_FLUSH_SECONDS", default=5.0)
# Who may read /metrics: a scraper presenting `Authorization: Bearer <METRICS_TOKEN>`, or
# calling from one of these addresses.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_ADDRESSES = env.list("METRICS_ALLOWED_ADDRESSES", default=["127.0.0.1", "::1"])

# How often a process checks whether cached reference data changed (core.stamps).
STAMP_RECHECK_SECONDS = env.float("STAMP_RECHECK_SECONDS", default=1.0)

# --- The province this installation serves ---------------------------------------------
SITE_NAME = env.str("SITE_NAME", default="Tỉnh Số")
PROVINCE_CODE = env.str("PROVINCE_CODE", default="91")

# --- Security --------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # fontTools reports every subsetting step at INFO when PDFs embed their fonts.
    "loggers": {"fontTools": {"level": "WARNING"}},
}
