"""HTTP load on loopback: the production server `make run` uses (gunicorn, gunicorn.conf.py) and wrk.

Used by bench/portal.py (issue 6) and meant for any later load or soak benchmark: start the server on a
bench database, point wrk at a list of paths, read back throughput, latency percentiles and errors.

wrk is Debian's (scripts/system-packages.sh wrk). It measures latency from the moment it sends each
request on a connection that is free (no coordinated-omission correction): with `connections`
in-flight requests the server is driven as hard as it can go, and the throughput is the server's
maximum at that concurrency, not a fixed offered rate.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench import BENCH_VAR, PROJECT_DIR

# Walks the path list in order (each thread its own slice, so no path is fetched twice while the list
# lasts: a cold run) or at random (a warm run over a fixed set); prints one JSON line at the end.
WRK_SCRIPT = r"""
local paths = {}
local position = 0
local step = 1
local random_order = false
local threads = {}

setup = function(thread)
  thread:set("slot", #threads)
  table.insert(threads, thread)
end

init = function(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  random_order = args[2] == "random"
  local count = tonumber(args[3]) or 1
  position = math.floor(#paths * slot / count)
  math.randomseed(1000 + slot)
end

request = function()
  local path
  if random_order then
    path = paths[math.random(#paths)]
  else
    position = position % #paths + 1
    path = paths[position]
  end
  return wrk.format("GET", path, {["Accept-Language"] = "vi"})
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
end
"""


@dataclass(frozen=True)
class LoadResult:
    requests: int
    seconds: float
    errors: int  # socket errors, timeouts and responses outside 2xx/3xx
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def gunicorn(env: Mapping[str, str], *, workers: int, log: Path) -> Iterator[str]:
    """Serve the site with gunicorn.conf.py on a free loopback port; yields the base URL."""
    with gunicorn_process(env, workers=workers, log=log) as (base, _process):
        yield base


@contextmanager
def gunicorn_process(
    env: Mapping[str, str], *, workers: int, log: Path
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """As gunicorn(), also yielding the master process (whose children are the workers)."""
    port = free_port()
    full_env = {
        **os.environ,
        **env,
        "PORT": str(port),
        "WEB_CONCURRENCY": str(workers),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    gunicorn_bin = PROJECT_DIR / ".venv" / "bin" / "gunicorn"
    with log.open("ab") as out:
        process = subprocess.Popen(
            [str(gunicorn_bin), "--config", "gunicorn.conf.py"],
            cwd=PROJECT_DIR,
            env=full_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/tin-tuc/", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start (see {log})")
            time.sleep(0.3)
        yield base, process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def wrk(
    base: str,
    paths: list[str],
    *,
    seconds: int,
    connections: int,
    threads: int = 1,
    order: str = "sequential",
) -> LoadResult:
    """Run wrk against `base` over `paths` (sequential: each path at most once while the list lasts)."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed: scripts/system-packages.sh wrk")
    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=BENCH_VAR) as folder:
        script = Path(folder) / "paths.lua"
        script.write_text(WRK_SCRIPT)
        listing = Path(folder) / "paths.txt"
        listing.write_text("\n".join(paths) + "\n")
        completed = subprocess.run(
            [
                "wrk",
                f"--threads={threads}",
                f"--connections={connections}",
                f"--duration={seconds}s",
                "--timeout=10s",
                f"--script={script}",
                base,
                "--",
                str(listing),
                order,
                str(threads),
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 60,
        )
    line = next(x for x in completed.stdout.splitlines() if x.startswith("WRK_JSON "))
    data = json.loads(line.removeprefix("WRK_JSON "))
    errors = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    return LoadResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        errors=errors,
        p50_ms=data["p50_us"] / 1000,
        p90_ms=data["p90_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
    )
