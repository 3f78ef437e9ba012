"""Gunicorn as ErrorKB runs in production: `gunicorn -c config/gunicorn.conf.py`.

`make serve` and `make bench` use this file, so what is measured is what runs.
Every setting can be overridden from the environment (the names below).

Workers: the lookup and the pages are CPU-bound Python once warm (the index and
the answers live in process memory; the database and Redis are rarely asked, and
lookup events are written by a background thread), so one sync process per core
gives the most throughput and the shortest tail. Measured on 2 cores (README,
"Speed"): 2 sync workers served lookups at 1,476 req/s with p99 19 ms, 3 at 1,325
and 30 ms, 4 at 1,177 and 62 ms; gthread (4 threads) at 1,300-1,379 with p99
52-150 ms and half the page throughput. A deployment that holds many slow
clients should sit behind a buffering proxy, as it should anyway.
"""

import multiprocessing
import os
import shutil


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count())
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = _int("GUNICORN_THREADS", 1)
# A lookup answers in milliseconds; a request that takes 30 s is stuck.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 20)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then so that slow growth in one never becomes an
# outage; the jitter keeps them from all restarting at once. Not too often: a
# worker answers over a thousand lookups a second under load, and a new one
# builds the lookup index again (0.3 s for the shipped catalogue, 6 s for a
# 100,000-entry one), so 20,000 meant a rebuild every 20 s of a burst.
max_requests = _int("GUNICORN_MAX_REQUESTS", 100_000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 10_000)
# Load the application once in the master so workers start warm and share
# memory pages.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"

# The application logs each request itself (one JSON line, with its request id);
# gunicorn's own access log is off unless asked for ("-" for stderr).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# No query string: it may carry a secret a caller pasted into a URL.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'

# /metrics adds up every worker's counters when PROMETHEUS_MULTIPROC_DIR names a
# directory (config/metrics.py). Each run starts it empty, or an earlier run's
# counts would be added in; a worker that exits (max_requests, a crash) keeps its
# counts in the totals, but not its live gauges.
METRICS_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


def on_starting(server):
    if METRICS_DIR:
        shutil.rmtree(METRICS_DIR, ignore_errors=True)
        os.makedirs(METRICS_DIR, exist_ok=True)


def child_exit(server, worker):
    if METRICS_DIR:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    """A new worker (at start, or in place of a recycled one) builds the lookup
    index before it accepts a request, so that no request waits for the build;
    meanwhile the other workers serve."""
    from kb.indexing import current_index

    try:
        current_index()
    except Exception:  # noqa: BLE001 - the first lookup builds it instead
        worker.log.exception("lookup index not built at start")
