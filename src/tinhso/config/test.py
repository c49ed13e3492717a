"""Test settings: the base settings with fast hashing and tasks run in-process."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789")
os.environ.setdefault("TASK_BACKEND", "immediate")
os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")

from tinhso.config.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LOGGING = {"version": 1, "disable_existing_loggers": False}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
STAMP_RECHECK_SECONDS = 0  # see every change at once in tests
# No background thread writing request metrics; tests flush them (core.gateway.metrics).
GATEWAY_METRICS_FLUSH_SECONDS = 0

# SQLite tests run on a file, not in memory, so that tests with several threads (concurrent
# intake) open real separate connections, as production does. One file per test process, so
# that runs side by side (CI, a developer) never share it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    _test_db = Path(tempfile.gettempdir()) / f"tinhso-test-{os.getpid()}.sqlite3"
    DATABASES["default"]["NAME"] = str(_test_db.with_suffix(".default.sqlite3"))  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(_test_db)}  # noqa: F405

# Uploaded files, generated keys and the development CA go to a folder of this test process,
# never into the developer's var/media (and every run starts without them).
MEDIA_ROOT = tempfile.mkdtemp(prefix=f"tinhso-test-media-{os.getpid()}-")
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)

# The exchange node signs with a development identity made once per test process.
EXCHANGE_DEV_IDENTITY = True
EXCHANGE_DEV_DIR = Path(MEDIA_ROOT) / "exchange-node"
EXCHANGE_PEER_KEYS_FILE = EXCHANGE_DEV_DIR / "peer-keys.json"  # never the developer's var/

# The payment gateway simulators answer in tests (tinhso.payments).
PAYMENT_SIMULATORS = True

# The national portal and population simulators answer in tests (tinhso.exchange.national);
# tests point the clients at their live server.
NATIONAL_SIMULATORS = True
NATIONAL_PORTAL_URL = ""
NATIONAL_POPULATION_URL = ""
NATIONAL_PORTAL_CLIENT_SECRET = "dvcqg-simulator-secret"  # noqa: S105 (the simulator's)
NATIONAL_POPULATION_KEY = "csdlqgdc-simulator-key"

# The postal simulator answers in tests (tinhso.exchange.postal); tests point the client and
# the callback at their live server.
POSTAL_SIMULATOR = True
POSTAL_API_URL = ""
POSTAL_API_KEY = "buu-chinh-simulator-key"
POSTAL_WEBHOOK_SECRET = "buu-chinh-simulator-secret"  # noqa: S105 (the simulator's)
