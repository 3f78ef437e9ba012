"""The production server as the deployment example runs it: gunicorn with
config/gunicorn.conf.py, several workers, and metrics added up across them."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


@pytest.fixture
def gunicorn(tmp_path):
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    (metrics_dir / "counter_99999.db").write_bytes(b"left by an earlier run")
    port = free_port()
    env = {**os.environ, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2",
           "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir), "HTTPS_ONLY": "0"}  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py",
         "config.wsgi"],
        cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    served = 0
    try:
        for _ in range(100):
            try:
                get(f"{base}/healthz")
                served += 1
                break
            except OSError:
                time.sleep(0.2)
        assert served, server.stderr.read1().decode() if server.poll() else "no answer"
        yield base, served, metrics_dir
    finally:
        server.terminate()
        server.wait(timeout=30)


class GunicornTests:
    def test_counts_add_up_across_workers(self, gunicorn):
        base, served, metrics_dir = gunicorn
        for _ in range(30):
            get(f"{base}/healthz")
        text = get(f"{base}/metrics")
        line = re.search(
            r'^errorkb_http_requests_total\{status="2xx",view="healthz"\} (\S+)$',
            text, re.MULTILINE,
        )  # fmt: skip
        assert line and float(line[1]) == served + 30
        assert not (metrics_dir / "counter_99999.db").exists()  # cleared on start
        assert list(metrics_dir.glob("counter_*.db"))
