"""Settings for the API benchmark: the production-like base settings (DEBUG off) with the
bench URLconf, which adds the baseline views. The database comes from DATABASE_URL, set by
bench/run.py to a throw-away SQLite file seeded at small scale."""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-never-used-in-production-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# Nothing is paid in the benchmarks: the payment gateways keep the simulators' defaults, said
# on purpose, or the system check payments.E001/E002 stops `migrate` with DEBUG off.
os.environ.setdefault("PAYMENT_SIMULATORS", "true")

from tinhso.config.base import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
ROOT_URLCONF = "bench.urls"
WSGI_APPLICATION = "bench.wsgi.application"

# An experiment knob: BENCH_CONN_MAX_AGE=N replaces the application's own setting (60 s with
# DEBUG off, see DB_CONN_MAX_AGE), e.g. 0 to open a connection per request.
if os.environ.get("BENCH_CONN_MAX_AGE"):
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ["BENCH_CONN_MAX_AGE"])  # noqa: F405

# The public status lookup allows 20 lookups per address in 10 minutes (core.ratelimit, on
# Django's cache); every request of the benchmarks comes from 127.0.0.1. The dummy cache
# lets them all through (DummyCache never remembers a hit); nothing else uses the cache.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
