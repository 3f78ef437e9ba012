"""Load benchmark: the lookup, an error page and a search against /healthz, in one run.

Starts ErrorKB under gunicorn as production runs it (config/gunicorn.conf.py,
production settings, PostgreSQL, Redis) and drives it with wrk at 16 connections,
first with the shipped knowledge base (curated and reference entries), then with a
synthetic one of 100,000 errors and 300,000 match rules. Prints requests/s, p50 and
p99 per endpoint and each endpoint's throughput as a ratio of /healthz's. Also
measures search latency (p50/p95) in-process on both knowledge bases.

    make bench                      # both runs
    python bench/run.py --quick     # shorter runs, 20,000 synthetic errors
    python bench/run.py --quick --shipped-only   # comparing configurations
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PORT = free_port()
CONNECTIONS = 16
THREADS = 2
ENDPOINTS = ["healthz", "lookup", "error page", "search"]
SEARCHES = ["rate limit", "ratelimit", "ThrottlingExeption", "card declned", "429",
            "H12", "quota exceeded", "token expired", "bad gateway", "timeout"]  # fmt: skip


def env_for(database: str) -> dict:
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": f"{PG}/{database}", "DEBUG": "0", "HTTPS_ONLY": "0",
        "SECRET_KEY": "bench-" + "x" * 60, "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "THROTTLE_ANON": "off", "THROTTLE_USER": "off", "LOG_LEVEL": "WARNING",
    })  # fmt: skip
    # Production runs several processes, so the shared cache is Redis.
    env["REDIS_URL"] = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/15")
    return env


def manage(env: dict, *args: str) -> str:
    result = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True,
                            capture_output=True, text=True)  # fmt: skip
    return result.stdout


def prepare(database: str, synthetic: int) -> dict:
    subprocess.run(["psql", PG + "/postgres", "-q", "-c", f"DROP DATABASE IF EXISTS {database}",
                    "-c", f"CREATE DATABASE {database}"], check=True)  # fmt: skip
    env = env_for(database)
    manage(env, "migrate", "--noinput", "-v0")
    print(manage(env, "kb_load").strip().splitlines()[-1])
    if synthetic:
        out = subprocess.run([PY, "bench/synthetic.py", "--errors", str(synthetic)], cwd=ROOT,
                             env=env, check=True, capture_output=True, text=True)  # fmt: skip
        print(out.stdout.strip())
        subprocess.run(["psql", f"{PG}/{database}", "-q", "-c", "ANALYZE"], check=True)
    return env


def lookup_payloads(env: dict) -> list[str]:
    code = (
        "import json; from kb.models import Example; print(json.dumps([{'status': x.http_status,"
        " 'headers': x.headers, 'body': x.body} for x in Example.objects.all()]))"
    )
    return [
        json.dumps(p)
        for p in json.loads(manage(env, "shell", "--no-imports", "-c", code))
    ]


def wrk_script(payloads: list[str], directory: Path) -> Path:
    """A wrk script that sends the payloads in turn. Each request is formatted once,
    in init: wrk shares the machine's cores with the server, and formatting every
    request in Lua would charge the lookup for the load generator's work."""
    bodies = ",\n".join(json.dumps(p) for p in payloads)
    script = directory / "lookup.lua"
    script.write_text(
        f"local bodies = {{\n{bodies}\n}}\nlocal requests = {{}}\nlocal i = 0\n"
        "init = function(args)\n  for n, body in ipairs(bodies) do\n"
        '    requests[n] = wrk.format("POST", "/api/v1/lookup/",\n'
        '      {["Content-Type"] = "application/json"}, body)\n  end\nend\n'
        "request = function()\n  i = i % #requests + 1\n  return requests[i]\nend\n"
    )
    return script


def start_server(env: dict) -> subprocess.Popen:
    manage(
        env,
        "shell",
        "--no-imports",
        "-c",
        "from django.core.cache import cache; cache.clear()",
    )
    # Production's own configuration (config/gunicorn.conf.py), on a free port.
    server = subprocess.Popen(
        [PY, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi",
         "--bind", f"127.0.0.1:{PORT}"],
        cwd=ROOT, env={**env, "GUNICORN_ACCESS_LOG": ""}, start_new_session=True,
    )  # fmt: skip
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", PORT), timeout=1):
                return server
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start")


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def warm_up(payloads: list[str]) -> None:
    """Every worker builds its index and caches before anything is measured."""
    for payload in payloads * 3:
        request = urllib.request.Request(f"http://127.0.0.1:{PORT}/api/v1/lookup/",
                                         data=payload.encode(), method="POST",
                                         headers={"Content-Type": "application/json"})  # fmt: skip
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
    for path in ("/errors/http/429/", "/search/?q=rate+limit"):
        for _ in range(10):
            with urllib.request.urlopen(
                f"http://127.0.0.1:{PORT}{path}", timeout=120
            ) as r:
                r.read()


UNITS = {"us": 0.001, "µs": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0,
         "h": 3_600_000.0}  # fmt: skip


def to_ms(text: str) -> float:
    found = re.match(r"([\d.]+)(us|µs|ms|s|m|h)$", text)
    if found is None:
        raise SystemExit(f"cannot read wrk's latency {text!r}")
    number, unit = found.groups()
    return float(number) * UNITS[unit]


def run_wrk(path: str, seconds: int, script: Path | None = None) -> dict:
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
    if script:
        command += ["-s", str(script)]
    output = subprocess.run(command + [f"http://127.0.0.1:{PORT}{path}"], check=True,
                            capture_output=True, text=True).stdout  # fmt: skip
    if "Latency Distribution" not in output:
        raise SystemExit(f"wrk gave no latency figures for {path}:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        # The distribution's own lines: "  50%    1.23ms". The thread stats end in
        # a percentage too ("62.50%"), which an unanchored pattern would take.
        "p50": to_ms(re.search(r"(?m)^\s+50%\s+(\S+)$", output).group(1)),
        "p99": to_ms(re.search(r"(?m)^\s+99%\s+(\S+)$", output).group(1)),
        "errors": int(non_2xx.group(1)) if non_2xx else 0,
    }


def measure(env: dict, seconds: int) -> dict:
    payloads = lookup_payloads(env)
    with tempfile.TemporaryDirectory() as directory:
        script = wrk_script(payloads, Path(directory))
        server = start_server(env)
        try:
            warm_up(payloads)
            runs = {
                "healthz": ("/healthz", None),
                "lookup": ("/", script),
                "error page": ("/errors/openai/rate_limit_exceeded/", None),
                "search": ("/search/?q=rate+limit", None),
            }
            figures = {}
            for name, (path, lua) in runs.items():
                try:
                    figures[name] = run_wrk(path, seconds, lua)
                except (
                    SystemExit,
                    subprocess.CalledProcessError,
                    AttributeError,
                ) as exc:
                    # One endpoint's failure is reported; the others still run.
                    print(f"{name}: no figures ({exc})", file=sys.stderr)
                    figures[name] = None
            return figures
        finally:
            stop_server(server)


def search_latency(env: dict, rounds: int) -> str:
    code = (
        "import time, statistics; from kb.models import ErrorCode\n"
        f"queries = {SEARCHES!r}\n"
        "[list(ErrorCode.objects.published().search(q)[:20]) for q in queries]\n"
        "times = []\n"
        f"for _ in range({rounds}):\n"
        "    for q in queries:\n"
        "        t = time.perf_counter(); list(ErrorCode.objects.published().search(q)[:20])\n"
        "        times.append((time.perf_counter() - t) * 1000)\n"
        "times.sort(); print(f'{statistics.median(times):.1f} {times[int(len(times)*0.95)]:.1f}')"
    )
    p50, p95 = manage(env, "shell", "--no-imports", "-c", code).split()
    return f"search latency in-process over {len(SEARCHES)} queries: p50 {p50} ms, p95 {p95} ms"


def report(title: str, figures: dict) -> int:
    """Print one catalogue's table; returns how many requests were not 2xx."""
    base = (figures["healthz"] or {}).get("rps")
    print(f"\n{title}")
    print(
        f"{'endpoint':<12}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'x healthz':>11}{'non-2xx':>9}"
    )
    bad = 0
    for name in ENDPOINTS:
        f = figures[name]
        if f is None:
            print(f"{name:<12}{'failed':>10}")
            bad += 1
            continue
        ratio = f"{f['rps'] / base:>11.2f}" if base else f"{'-':>11}"
        print(f"{name:<12}{f['rps']:>10.0f}{f['p50']:>10.2f}{f['p99']:>10.2f}"
              f"{ratio}{f['errors']:>9}")  # fmt: skip
        bad += f["errors"]
    return bad


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--shipped-only",
        action="store_true",
        help="skip the synthetic catalogue (comparing configurations)",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    seconds = 5 if args.quick else 15
    synthetic = 20_000 if args.quick else 100_000
    print(f"wrk: {THREADS} threads, {CONNECTIONS} connections, {seconds}s per endpoint; "
          "gunicorn: config/gunicorn.conf.py; PostgreSQL; Redis cache")  # fmt: skip
    small_env = prepare("errorkb_bench", 0)
    small = measure(small_env, seconds)
    bad = report("shipped knowledge base (curated and reference entries)", small)
    print(search_latency(small_env, 10))
    if args.shipped_only:
        raise SystemExit(f"{bad} request(s) or endpoint(s) failed" if bad else 0)
    big_env = prepare("errorkb_bench_big", synthetic)
    big = measure(big_env, seconds)
    bad += report(
        f"synthetic knowledge base (+{synthetic:,} errors, +{3 * synthetic:,} rules)",
        big,
    )
    print("\nlarge / small throughput: " + ", ".join(
        f"{name} {big[name]['rps'] / small[name]['rps']:.2f}" for name in ENDPOINTS
        if big[name] and small[name]))  # fmt: skip
    print(search_latency(big_env, 10))
    if bad:
        raise SystemExit(f"{bad} request(s) or endpoint(s) failed: see above")


if __name__ == "__main__":
    main()
