"""Fresh install to a healthy /health, against the stack's own start-up in the same run.

Run: .venv/bin/python bench/fresh_install.py [runs]
Each run starts ``flagstaff serve`` on an empty SQLite data directory (pinned to core 0): it
generates the server secret, migrates an empty database, creates the first admin and serves.
Prints the wall time until ``/health`` answers GOOD and the server's CPU time by then, the median
of the runs, beside a baseline: a Python process that imports FastAPI, SQLAlchemy and uvicorn and
exits (the floor any server on this stack pays). Target (PRODUCT.md): <= 5 s.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from _server import ADMIN_PASSWORD, FLAGSTAFF, SERVER_CPU, free_port

TARGET_SECONDS = 5.0
BASELINE = "import fastapi, sqlalchemy, uvicorn, pydantic"


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_install() -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as data_dir:
        port = free_port()
        env = {
            **os.environ,
            "FLAGSTAFF_DATA_DIR": data_dir,
            "FLAGSTAFF_ADMIN_PASSWORD": ADMIN_PASSWORD,
        }
        env.pop("DATABASE_URL", None)
        command = ["taskset", "-c", SERVER_CPU, FLAGSTAFF, "serve", "--port", str(port)]
        started = time.monotonic()
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            seconds = wait_healthy(f"http://127.0.0.1:{port}/health", started)
            return seconds, cpu_seconds(process.pid)
        finally:
            process.terminate()
            process.wait(timeout=20)


def wait_healthy(url: str, started: float) -> float:
    with httpx.Client(timeout=1.0, trust_env=False) as client:
        while time.monotonic() - started < 60:
            try:
                if client.get(url).json() == {"health": "GOOD"}:
                    return time.monotonic() - started
            except httpx.TransportError:
                time.sleep(0.01)
    raise RuntimeError("the server did not become healthy within 60 s")


def baseline() -> float:
    started = time.monotonic()
    subprocess.run(["taskset", "-c", SERVER_CPU, sys.executable, "-c", BASELINE], check=True)
    return time.monotonic() - started


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    floors = [baseline() for _ in range(runs)]
    installs = [one_install() for _ in range(runs)]
    floor = statistics.median(floors)
    wall = statistics.median(seconds for seconds, _ in installs)
    cpu = statistics.median(cpu for _, cpu in installs)
    print(f"baseline: python -c '{BASELINE}'   {floor:5.2f} s")
    print(f"fresh install to a healthy /health     {wall:5.2f} s wall, {cpu:.2f} s CPU")
    each = ", ".join(f"{seconds:.2f}" for seconds, _ in installs)
    print(f"  {wall / floor:.1f}x the baseline; runs: {each}")
    verdict = "met" if wall <= TARGET_SECONDS else "NOT met"
    print(f"target <= {TARGET_SECONDS:.0f} s: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
