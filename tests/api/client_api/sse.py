"""Reading a server-sent event stream over real HTTP, in a thread, as an SDK would: each event
(or comment) lands in a queue that a test waits on with a timeout."""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx
import orjson


@dataclass
class Event:
    name: str  # "comment" for a ": ..." line
    id: str | None
    data: str
    at: float  # time.monotonic() when it arrived

    def json(self) -> Any:
        return orjson.loads(self.data)


END = Event("end", None, "", 0.0)


class EventStream:
    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.events: queue.Queue[Event] = queue.Queue()
        self.status: int | None = None
        self.headers: httpx.Headers | None = None
        self.body = b""
        self._opened = threading.Event()
        self._client = httpx.Client(timeout=httpx.Timeout(10, read=120))
        self._thread = threading.Thread(target=self._read, args=(url, headers), daemon=True)
        self._thread.start()
        if not self._opened.wait(10):
            raise AssertionError("the stream did not answer")

    def _read(self, url: str, headers: dict[str, str]) -> None:
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                self.status, self.headers = response.status_code, response.headers
                if response.status_code != 200:
                    self.body = response.read()
                    self._opened.set()
                    return
                self._opened.set()
                self._parse(response)
        except httpx.HTTPError:
            pass
        finally:
            self._opened.set()
            self.events.put(Event("end", None, "", time.monotonic()))

    def _parse(self, response: httpx.Response) -> None:
        name, event_id, data = "message", None, []
        for line in response.iter_lines():
            if line.startswith(":"):
                self.events.put(Event("comment", None, line[1:].strip(), time.monotonic()))
            elif line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("id:"):
                event_id = line[3:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].lstrip())
            elif line == "" and data:
                self.events.put(Event(name, event_id, "\n".join(data), time.monotonic()))
                name, event_id, data = "message", None, []

    def next(self, timeout: float = 10.0, *, skip_comments: bool = True) -> Event:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no event within {timeout}s")
            try:
                event = self.events.get(timeout=left)
            except queue.Empty:
                raise AssertionError(f"no event within {timeout}s") from None
            if event.name == "comment" and skip_comments:
                continue
            return event

    def close(self) -> None:
        self._client.close()
        self._thread.join(timeout=5)

    def __enter__(self) -> EventStream:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
