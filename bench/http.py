"""Real ASGI server processes and a keep-alive loopback HTTP client for the benchmarks.

The in-process test client (bench.common) leaves out the server: parsing, the event loop,
the ASGI bridge. These helpers start the server the site runs on, or one of the others it was
chosen against, and time requests over one persistent loopback connection, as a reverse
proxy's upstream keep-alive pool would send them.
"""

import http.client
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.common import Timing

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

# granian as `make serve` runs it: ASGI without the lifespan protocol (Django has none),
# uvloop, at most 64 KB of request line and headers.
GRANIAN_OPTIONS = ["--interface", "asginl", "--loop", "uvloop", "--http1-buffer-size", "65536"]
# uvicorn at its fastest: uvloop and httptools, no lifespan, no access log.
UVICORN_OPTIONS = [
    "--loop",
    "uvloop",
    "--http",
    "httptools",
    "--ws",
    "websockets",
    "--lifespan",
    "off",
    "--no-access-log",
]


def server_command(server: str, app: str, port: int) -> list[str]:
    """The command line that serves `app` on 127.0.0.1:`port` with `server`, as configured to compare.

    Access logs are off for all three (daphne's is off unless asked for): in production the
    reverse proxy keeps them, and a log line per request is not what is being compared.
    """
    if server == "uvicorn":
        return [str(BIN / "uvicorn"), app, "--host", "127.0.0.1", "--port", str(port), *UVICORN_OPTIONS]
    if server == "granian":
        # The site's server, with the options of the Makefile's `serve` and the live tests.
        return [str(BIN / "granian"), *GRANIAN_OPTIONS, "--host", "127.0.0.1", "--port", str(port), app]
    if server == "daphne":
        return [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port), app]
    raise ValueError(f"unknown server {server!r}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(
    server: str, app: str, *, env: dict | None = None, log: Path | None = None
) -> tuple[subprocess.Popen, str]:
    """Start `server` serving `app` on a free port; returns the process and its base URL once it answers."""
    port = free_port()
    log_file = (log or ROOT / "var" / f"bench_{server}.log").open("wb")
    process = subprocess.Popen(
        server_command(server, app, port),
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=log_file,
    )
    log_file.close()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{server} exited with {process.returncode}; see its log")
        try:
            urllib.request.urlopen(f"{base}/__bench__/bare/", timeout=1).close()  # noqa: S310 - local server
            return process, base
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{server} did not answer within 60 s")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def cpu_seconds(pid: int) -> float:
    """CPU time of a process and its live children (granian serves from worker processes)."""
    total = 0.0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            children = (task / "children").read_text().split()
        except FileNotFoundError:  # a thread that ended meanwhile; its time is in the process's
            continue
        total += sum(cpu_seconds(int(child)) for child in children)
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return total + (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def time_http(
    label: str, base: str, path: str, *, pid: int, repeat: int = 2000, warmup: int = 200
) -> tuple[Timing, float]:
    """Time GET `path` over one keep-alive connection: request sent to the body fully read.

    Returns the timings and the server's CPU time per request in ms, which neighbours on a
    shared machine disturb far less than they disturb wall-clock latency.
    """
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    samples = []
    for number in range(warmup + repeat):
        if number == warmup:
            cpu_before = cpu_seconds(pid)
        started = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            raise SystemExit(f"{path} answered {response.status}")
        if number >= warmup:
            samples.append(elapsed)
    cpu_ms = (cpu_seconds(pid) - cpu_before) / repeat * 1000
    connection.close()
    return Timing(label, samples), cpu_ms
