"""The site runs without its cache: Redis down or stalled costs a request a short
timeout at most, then the breaker answers misses (config/breaker.py,
config/redis_cache.py) while the version check, the throttles, the event buffer
and /readyz degrade instead of failing.

Most tests point the cache at a private ``redis-server`` on a free port, which they
start, kill (SIGKILL), pause (SIGSTOP) and resume (SIGCONT) themselves.
"""

import logging
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connections
from django.test import Client

from config.breaker import CircuitBreaker
from config.redis_cache import ReusingRedisCache, local_fallback
from kb import events, versioning
from kb.models import LookupEvent
from tests.factories import load_kb

KB = Path(__file__).parent.parent / "kb" / "lookup_kb.yaml"
REDIS_SERVER = shutil.which("redis-server")
TIMEOUT = 0.25
LOOKUP = {
    "status": 429,
    "url": "https://api.openai.com/v1/chat/completions",
    "body": '{"error": {"code": "rate_limit_exceeded", "message": "slow down"}}',
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A private redis-server: no persistence, loopback only."""

    def __init__(self, port: int):
        self.port = port
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER or "redis-server", "--port", str(self.port),
             "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), 0.2) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def signal(self, signum) -> None:
        self.process.send_signal(signum)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(5)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.kill()


@pytest.fixture
def redis_server():
    if REDIS_SERVER is None and not os.environ.get("REQUIRE_REDIS"):
        pytest.skip("redis-server is not installed (REQUIRE_REDIS=1 fails instead)")
    server = RedisServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def use_cache(settings):
    """Point the default cache at a Redis URL for this test (with short timeouts
    and a short breaker, so that the test sees it close again)."""

    def point_at(url: str, breaker_seconds: float = 0.5):
        settings.CACHES = {
            "default": {
                "BACKEND": "config.redis_cache.ReusingRedisCache",
                "LOCATION": url,
                "KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
                "OPTIONS": {
                    "socket_connect_timeout": TIMEOUT,
                    "socket_timeout": TIMEOUT,
                    "breaker_seconds": breaker_seconds,
                },
            }
        }
        versioning.forget_kb_version()
        local_fallback.clear()

    yield point_at
    local_fallback.clear()


@pytest.fixture
def dead_cache(use_cache):
    """The cache points at a port where nothing listens."""
    use_cache(f"redis://127.0.0.1:{free_port()}/0", breaker_seconds=30)


def readiness() -> dict:
    response = Client(raise_request_exception=False).get("/readyz")
    if response["Content-Type"] != "application/json":
        return {"status": f"HTTP {response.status_code}", "checks": {}}
    return response.json()


def wait_until(predicate, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class CircuitBreakerTests:
    def make(self):
        clock = FakeClock()
        return CircuitBreaker("test dependency", reset_after=5, clock=clock), clock

    def test_a_failure_opens_it_until_the_reset_time(self):
        breaker, clock = self.make()
        assert breaker.allow()
        breaker.failed(ConnectionError())
        assert breaker.is_open and not breaker.allow()
        clock.now += 4.9
        assert not breaker.allow()
        clock.now += 0.2
        assert breaker.allow()  # the trial

    def test_one_trial_per_period_and_its_success_closes_it(self):
        breaker, clock = self.make()
        breaker.failed(ConnectionError())
        clock.now += 5
        assert breaker.allow()
        assert not breaker.allow()  # the others wait while the trial runs
        breaker.succeeded(started_at=clock.now)
        assert not breaker.is_open and breaker.allow()

    def test_a_failed_trial_keeps_it_open_another_period(self):
        breaker, clock = self.make()
        breaker.failed(ConnectionError())
        clock.now += 5
        assert breaker.allow()
        breaker.failed(TimeoutError())
        clock.now += 4
        assert not breaker.allow()
        assert (breaker.openings, breaker.last_error) == (1, "TimeoutError")

    def test_a_call_begun_before_it_opened_does_not_close_it(self):
        breaker, clock = self.make()
        started = clock.now
        clock.now += 0.1
        breaker.failed(ConnectionError())
        breaker.succeeded(started_at=started)
        assert breaker.is_open

    def test_warns_once_per_opening(self, caplog):
        breaker, clock = self.make()
        with caplog.at_level(logging.INFO, logger="config.breaker"):
            breaker.failed(ConnectionError())
            breaker.failed(ConnectionError())
            clock.now += 5
            breaker.allow()
            breaker.failed(ConnectionError())
            clock.now += 5
            breaker.allow()
            breaker.succeeded(started_at=clock.now)
            breaker.failed(OSError())
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert [r.getMessage().split(" (")[1][:7] for r in warnings] == [
            "Connect",
            "OSError",
        ]
        assert breaker.openings == 2

    def test_threads_share_it_safely(self, caplog):
        breaker = CircuitBreaker("shared", reset_after=0.2)
        start = threading.Barrier(16)

        def fail():
            start.wait()
            breaker.failed(ConnectionError())

        with (
            caplog.at_level(logging.WARNING, logger="config.breaker"),
            ThreadPoolExecutor(16) as pool,
        ):
            list(pool.map(lambda _: fail(), range(16)))
        assert breaker.openings == 1 and len(caplog.records) == 1
        time.sleep(0.25)
        start = threading.Barrier(16)

        def try_once():
            start.wait()
            return breaker.allow()

        with ThreadPoolExecutor(16) as pool:
            trials = list(pool.map(lambda _: try_once(), range(16)))
        assert trials.count(True) == 1


class RedisCacheDownTests:
    def test_a_dead_redis_is_a_miss_and_a_no_op(self, caplog):
        port = free_port()
        backend = ReusingRedisCache(f"redis://:hunter2@127.0.0.1:{port}/0",
                                    {"OPTIONS": {"breaker_seconds": 30}})  # fmt: skip
        with caplog.at_level(logging.WARNING, logger="config.breaker"):
            assert backend.get("k", "default") == "default"
        assert backend.breaker.is_open
        with mock.patch.object(
            backend._cache, "get_client", side_effect=AssertionError
        ):
            # Open: nothing goes near the network.
            backend.set("k", 1)
            assert backend.add("k", 1) is False
            assert backend.get_many(["a", "b"]) == {}
            assert backend.has_key("k") is False
            assert backend.delete("k") is False
            assert backend.set_many({"a": 1}) == ["a"]
            with pytest.raises(ValueError):
                backend.incr("k")
        assert len(caplog.records) == 1
        assert "hunter2" not in caplog.text and f"127.0.0.1:{port}" in caplog.text

    def test_a_stalled_redis_costs_one_short_timeout(self):
        # Accepts connections and never answers, like a paused redis-server.
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        try:
            port = listener.getsockname()[1]
            backend = ReusingRedisCache(
                f"redis://127.0.0.1:{port}/0",
                {"OPTIONS": {"breaker_seconds": 30, "socket_timeout": TIMEOUT}},
            )
            started = time.monotonic()
            assert backend.get("k") is None
            first = time.monotonic() - started
            started = time.monotonic()
            for _ in range(20):
                backend.get("k")
            rest = time.monotonic() - started
        finally:
            listener.close()
        assert first < 1.0
        assert rest < 0.2  # one attempt through the network would take 0.25 s
        assert backend.breaker.last_error == "TimeoutError"


@pytest.mark.django_db
class DegradedServiceTests:
    def test_readyz_is_degraded_not_down_without_the_cache(self, client, dead_cache):
        response = client.get("/readyz")
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "degraded"
        assert body["checks"]["database"] == "ok"
        assert body["checks"]["cache"].startswith("error: unavailable")

    def test_readyz_is_503_without_the_database(self, client):
        wrapper = type(connections["default"])
        with mock.patch.object(wrapper, "create_cursor", side_effect=OSError("down")):
            response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["status"] == "unavailable"

    def test_readyz_is_ok_with_both(self, client, redis_server, use_cache):
        use_cache(redis_server.url)
        response = client.get("/readyz")
        assert (response.status_code, response.json()["status"]) == (200, "ok")

    def test_the_version_holds_still_without_the_cache(self, settings, dead_cache):
        settings.KB_VERSION_TTL = 0
        first = versioning.kb_version()
        assert isinstance(first, str) and first
        assert versioning.kb_version() == first
        versioning.bump_kb_version()
        assert versioning.kb_version() != first  # this process's edits still count

    def test_throttles_still_count_without_the_cache(self, client, rates, dead_cache):
        rates(anon="3/min")
        statuses = [client.get("/api/v1/providers/").status_code for _ in range(5)]
        assert statuses == [200, 200, 200, 429, 429]

    def test_feedback_finds_a_lookup_buffered_in_this_process(
        self, client, dead_cache, tmp_path
    ):
        load_kb(KB, tmp_path)
        response = client.post(
            "/api/v1/lookup/", LOOKUP, content_type="application/json"
        )
        assert response.status_code == 200
        url = f"/api/v1/lookups/{response.json()['lookup_id']}/feedback/"
        response = client.post(url, {"helped": True}, content_type="application/json")
        assert response.status_code == 201, response.content


@pytest.mark.django_db
def test_an_edit_made_while_redis_stalls_reaches_the_others(redis_server, use_cache,
                                                             settings):  # fmt: skip
    use_cache(redis_server.url, breaker_seconds=0.3)
    settings.KB_VERSION_TTL = 0
    before = versioning.kb_version()
    redis_server.signal(signal.SIGSTOP)
    versioning.bump_kb_version()  # the write times out; the breaker opens
    redis_server.signal(signal.SIGCONT)
    assert cache.breaker.is_open
    time.sleep(0.35)
    versioning.kb_version()
    shared = cache.get(versioning.VERSION_KEY)
    assert shared is not None and shared != before


PHASES = ("healthy", "killed", "restarted", "paused", "resumed")
REQUESTS = [
    ("post", "/api/v1/lookup/"),
    ("get", "/errors/http/429/"),
    ("get", "/search/?q=rate"),
    ("get", "/api/v1/errors/"),
    ("get", "/api/v1/providers/"),
    ("get", "/api/v1/errors/http/429/"),
    ("get", "/readyz"),
]


class Traffic:
    """Threads sending REQUESTS round and round through Django's test client,
    noting the phase each request began in, its status and its duration."""

    def __init__(self, threads: int = 4):
        self.threads = threads
        self.phase = PHASES[0]
        self.stop = threading.Event()
        self.results: list[tuple[str, str, int, float]] = []
        self.lock = threading.Lock()

    def worker(self, offset: int) -> None:
        # A 500 is recorded as the visitor would get it, not raised here.
        client = Client(raise_request_exception=False)
        try:
            n = offset
            while not self.stop.is_set():
                method, path = REQUESTS[n % len(REQUESTS)]
                n += 1
                phase, started = self.phase, time.monotonic()
                if method == "post":
                    response = client.post(
                        path, LOOKUP, content_type="application/json"
                    )
                else:
                    response = client.get(path)
                elapsed = time.monotonic() - started
                with self.lock:
                    self.results.append((phase, path, response.status_code, elapsed))
        finally:
            connections.close_all()

    def of(self, phase: str) -> list[tuple[str, str, int, float]]:
        return [result for result in self.results if result[0] == phase]


@pytest.mark.django_db(transaction=True)
def test_the_site_answers_through_redis_killed_and_paused(
    redis_server, use_cache, rates, settings, tmp_path, caplog
):
    load_kb(KB, tmp_path)
    use_cache(redis_server.url)
    rates(anon="100000/min")
    on_postgres = connections["default"].vendor == "postgresql"
    if not on_postgres:
        # SQLite in memory takes one writer at a time: no event batches from the
        # threads there (the event writer has tests of its own).
        settings.KB_EVENT_BATCH_SIZE = settings.KB_EVENT_BATCH_SECONDS = 10**9
    dropped = events.dropped_counts()
    traffic = Traffic()
    caplog.set_level(logging.WARNING, logger="config.breaker")
    with ThreadPoolExecutor(traffic.threads) as pool:
        workers = [pool.submit(traffic.worker, n) for n in range(traffic.threads)]
        try:
            time.sleep(1.0)
            assert cache.get(versioning.VERSION_KEY) is not None  # Redis in use
            traffic.phase = "killed"
            redis_server.kill()
            time.sleep(2.0)
            degraded = readiness()
            traffic.phase = "restarted"
            redis_server.start()
            assert wait_until(lambda: readiness()["status"] == "ok")
            time.sleep(0.5)
            traffic.phase = "paused"
            redis_server.signal(signal.SIGSTOP)
            time.sleep(2.5)
            traffic.phase = "resumed"
            redis_server.signal(signal.SIGCONT)
            recovered = wait_until(lambda: readiness()["status"] == "ok")
            time.sleep(0.5)
        finally:
            traffic.stop.set()
    for worker in workers:
        worker.result()
    report = {
        phase: (len(rows), max(r[3] for r in rows), sorted(r[3] for r in rows)[int(len(rows) * 0.95)])
        for phase in PHASES
        if (rows := traffic.of(phase))
    }  # fmt: skip
    print("\nphase: requests, max s, p95 s", *report.items(), sep="\n")
    failures = [r for r in traffic.results if r[2] >= 500]
    assert failures == [], f"{len(failures)} of {len(traffic.results)} answers were 5xx"
    assert degraded["status"] == "degraded" and degraded["checks"]["database"] == "ok"
    assert recovered
    for phase in ("healthy", "killed", "paused", "resumed"):
        paths = {r[1] for r in traffic.of(phase)}
        assert paths == {path for _, path in REQUESTS}, phase
    assert max(r[3] for r in traffic.of("killed")) < 1.5
    assert max(r[3] for r in traffic.of("paused")) < 1.5
    assert cache.breaker.openings >= 2  # killed, then paused
    assert len(caplog.records) == cache.breaker.openings  # one warning each
    if on_postgres:
        events.flush()
        assert events.dropped_counts() == dropped
        assert LookupEvent.objects.count() >= len(traffic.of("killed")) // len(REQUESTS)
