"""A small real HTTP server on 127.0.0.1 (a thread of the test process) that records every request.

Subclasses answer in `respond`; tests read `requests` and wait with `wait_for`.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes
    at: float = field(default_factory=time.perf_counter)  # when it arrived (perf_counter of this process)
    status: int = 0  # what the fake answered

    def json(self) -> Any:
        return json.loads(self.body or b"null")


class FakeServer:
    """Start with `start()` (returns self), stop with `stop()`; `url` is http://127.0.0.1:<port>."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._cond = threading.Condition()
        self._failures: list[tuple[Callable[[Recorded], bool], int, Any]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                record = Recorded(
                    self.command,
                    parts.path,
                    parse_qs(parts.query),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
                status, payload = fake._answer(record)
                record.status = status
                data = (
                    payload
                    if isinstance(payload, bytes)
                    else json.dumps(payload, ensure_ascii=False).encode()
                )
                with fake._cond:
                    fake.requests.append(record)
                    fake._cond.notify_all()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_DELETE = do_PUT = _serve

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name=type(self).__name__, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> "FakeServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # ---- behaviour ---------------------------------------------------------------------------------

    def fail_next(
        self,
        status: int = 500,
        count: int = 1,
        when: Callable[[Recorded], bool] | None = None,
        body: Any = None,
    ) -> None:
        """Answer the next `count` requests (matching `when`) with `status` instead of normally."""
        for _ in range(count):
            self._failures.append((when or (lambda r: True), status, body))

    def _answer(self, record: Recorded) -> tuple[int, Any]:
        with self._cond:
            for i, (when, status, body) in enumerate(self._failures):
                if when(record):
                    del self._failures[i]
                    return status, body if body is not None else self.error_body(status)
            return self.respond(record)  # under the lock: fakes keep state; `self._cond.wait` releases it

    def respond(self, record: Recorded) -> tuple[int, Any]:
        raise NotImplementedError

    def error_body(self, status: int) -> Any:
        return {"message": "Internal Server Error" if status >= 500 else "error"}

    def reset(self) -> None:
        with self._cond:
            self.requests.clear()
            self._failures.clear()

    # ---- reading what happened -----------------------------------------------------------------------

    def matching(self, predicate: Callable[[Recorded], bool]) -> list[Recorded]:
        with self._cond:
            return [r for r in self.requests if predicate(r)]

    def wait_for(
        self, predicate: Callable[[Recorded], bool], count: int = 1, timeout: float = 60.0
    ) -> list[Recorded]:
        """Wait until `count` recorded requests match; returns them (raises AssertionError on time-out)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [r for r in self.requests if predicate(r)]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"{type(self).__name__}: {len(found)} of {count} expected requests "
                        f"after {timeout:.0f} s; saw {[(r.method, r.path) for r in self.requests]}"
                    )
                self._cond.wait(min(left, 0.5))

    def quiet_for(self, predicate: Callable[[Recorded], bool], seconds: float) -> list[Recorded]:
        """Wait `seconds`, then return the matching requests (to check that nothing else was sent)."""
        time.sleep(seconds)
        return self.matching(predicate)
