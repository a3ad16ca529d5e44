"""The official JavaScript SDKs, run by Node in a subprocess and driven over the line protocol of
``protocol.mjs``: the test calls SDK methods and sees the events the SDK emits."""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).parent
PACKAGES = ("unleash-client", "unleash-proxy-client", "@unleash/proxy")
MIN_NODE = 20  # what unleash-client 6 declares in its engines


def node() -> str:
    """The ``node`` binary, with the pinned SDKs installed beside this file. Without them a test
    is skipped on a developer's machine; in CI (``CI`` set) it fails, so a broken install cannot
    pass as skipped tests."""
    binary, problem = _find_node()
    if problem is not None:
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(problem)
    return binary


@functools.cache
def _find_node() -> tuple[str, str | None]:
    binary = shutil.which("node")
    if binary is None:
        return "", "node is not installed: the Node SDK tests need Node 20"
    version = subprocess.run(
        [binary, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    if int(version.lstrip("v").split(".")[0] or 0) < MIN_NODE:
        return binary, f"node {version} is too old: the Node SDK tests need Node {MIN_NODE}"
    missing = [p for p in PACKAGES if not (HERE / "node_modules" / p / "package.json").exists()]
    if missing:
        return binary, f"{', '.join(missing)} missing: scripts/test runs `npm ci` in {HERE}"
    return binary, None


def run_script(script: str, options: dict[str, Any], stdin: Any, timeout: float) -> Any:
    """Runs a script that reads one JSON document and prints one; returns what it printed."""
    done = subprocess.run(
        [node(), str(HERE / script), json.dumps(options)],
        input=json.dumps(stdin),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=HERE,
        check=False,
    )
    assert done.returncode == 0, f"{script} exited {done.returncode}: {done.stderr[-2000:]}"
    lines = done.stdout.strip().splitlines()
    assert lines, f"{script} printed nothing: {done.stderr[-2000:]}"
    return json.loads(lines[-1])


class NodeSdk:
    """One SDK instance in a Node process (``client.mjs`` or ``frontend.mjs``)."""

    def __init__(self, script: str, options: dict[str, Any]) -> None:
        self.process = subprocess.Popen(
            [node(), str(HERE / script), json.dumps(options)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=HERE,
        )
        self.events: list[dict[str, Any]] = []
        self.stderr: list[str] = []
        self._replies: dict[int, dict[str, Any]] = {}
        self._next_id = 0
        self._changed = threading.Condition()
        self._readers = [
            threading.Thread(target=self._read_stdout, daemon=True),
            threading.Thread(target=self._read_stderr, daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    def _read_stdout(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            message = json.loads(line)
            with self._changed:
                if "id" in message:
                    self._replies[message["id"]] = message
                else:
                    self.events.append(message)
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr.append(line.rstrip())

    def call(self, name: str, *args: Any, timeout: float = 10.0) -> Any:
        """Calls the SDK method ``name`` and returns its (awaited) result."""
        assert self.process.stdin is not None
        with self._changed:
            self._next_id += 1
            call_id = self._next_id
        self.process.stdin.write(json.dumps({"id": call_id, "call": name, "args": args}) + "\n")
        self.process.stdin.flush()
        with self._changed:
            self._wait(lambda: call_id in self._replies, timeout, f"the answer to {name}")
            reply = self._replies.pop(call_id)
        assert "error" not in reply, f"{name}{args}: {reply['error']}"
        return reply["result"]

    def named(self, event: str) -> list[dict[str, Any]]:
        with self._changed:
            return [e for e in self.events if e["event"] == event]

    def wait_for_event(self, event: str, count: int = 1, timeout: float = 10.0) -> dict[str, Any]:
        """The ``count``-th event of that name, once the SDK has emitted it."""
        with self._changed:
            self._wait(lambda: len(self.named(event)) >= count, timeout, f"the event {event!r}")
            return self.named(event)[count - 1]

    def _wait(self, ready: Any, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not ready():
            left = deadline - time.monotonic()
            if left <= 0 or self.process.poll() is not None:
                raise AssertionError(
                    f"no {what} (exit code {self.process.poll()}); events {self.events};"
                    f" stderr {self.stderr[-20:]}"
                )
            self._changed.wait(min(left, 0.2))

    def close(self) -> None:
        """Closes stdin: the driver stops the SDK's timers and Node exits."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise
        finally:
            for reader in self._readers:
                reader.join(timeout=5)
            assert self.process.stdout is not None
            assert self.process.stderr is not None
            self.process.stdout.close()
            self.process.stderr.close()
