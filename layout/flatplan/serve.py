"""The live flatplan: `layout watch --serve` serves the flatplan folder and pushes every rebuild.

In: the folder the flatplan is written to, a port, and after every build of the watcher
its flatplan data (`publish`) or why it failed (`failed`).  Out: an HTTP server on
127.0.0.1 only, in a thread of the watching process: the flatplan's files, and
`/events`, a server-sent event stream that sends each new flatplan's data to every open
page, which replaces the previews that changed in place (layout/flatplan/assets/flatplan.js).

Why server-sent events from the standard library: one-way pushes are all the page needs,
the browser reconnects by itself, and http.server in a thread is enough for the few pages
a desk keeps open: no new dependency.  A page that connects is sent the current flatplan
at once, so a build that finished while it was loading is not missed.

Only the flatplan's own files are served (index.html, flatplan.json, previews, the page
and edition PDFs under the folder), never anything outside the folder; requests whose
Host is not this machine's loopback name are refused (a web page elsewhere cannot read
the edition through a DNS name that points at 127.0.0.1).
"""

from __future__ import annotations

import json
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from layout.build.pipeline import BuildOptions
from layout.build.watch import WatchEvent
from layout.errors import OutputError, Problem
from layout.flatplan.output import INDEX, FlatplanOutput
from layout.model.modes import output_profile

HOST = "127.0.0.1"
KEEPALIVE = 10.0  # s between comments on an idle event stream (a closed page is noticed then)
TYPES = {".html": "text/html; charset=utf-8", ".json": "application/json", ".png": "image/png",
         ".pdf": "application/pdf"}
WAITING = (b"<!DOCTYPE html><html><head><meta charset='utf-8'><link rel='icon' href='data:,'>"
           b"<meta http-equiv='refresh' content='1'><title>flatplan</title></head>"
           b"<body><p>Waiting for the first build&hellip;</p></body></html>")


class LiveFlatplan:
    """The server and what it pushes.  `start()` binds and serves in a daemon thread;
    `publish(data)` after each successful build, `failed(message)` after one that failed;
    `stop()` ends the streams and the server."""

    def __init__(self, folder: Path, port: int = 0, output: FlatplanOutput | None = None):
        self.folder = folder.resolve()
        self.port = port
        self.output = output  # the watcher's flatplan output, whose data `after` publishes
        self._cond = threading.Condition()
        self._seq = 0  # events published so far
        self._event: tuple[str, bytes] | None = None  # the latest: (event name, JSON data)
        self._data: bytes | None = None  # the latest flatplan (sent to a page that connects)
        self._stopping = False
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @classmethod
    def for_watch(cls, opts: BuildOptions, port: int) -> LiveFlatplan:
        """The live flatplan of a watcher's builds: the folder its flatplan output writes to."""
        output = next((d for d in opts.desk_outputs if isinstance(d, FlatplanOutput)), None)
        if output is None:
            raise ValueError("the builds make no flatplan to serve (no FlatplanOutput in desk_outputs)")
        return cls(opts.out_dir / output_profile(opts.mode).folder, port, output)

    def after(self, event: WatchEvent) -> None:
        """What the open pages are told after a build of the watcher: its flatplan, or that it
        failed (they keep showing the last good one)."""
        if event.result is not None and self.output is not None and self.output.data is not None:
            self.publish(self.output.data)
        elif event.error is not None:
            self.failed("; ".join(str(p) for p in event.error.problems[:3]))

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    def start(self) -> str:
        """Bind (port 0: any free port) and serve; returns the address.  OutputError if the
        port cannot be had (taken by another program)."""
        try:
            server = ThreadingHTTPServer((HOST, self.port), _handler(self))
        except OSError as e:
            raise OutputError(Problem(f"cannot serve the flatplan on {HOST}:{self.port}: {e.strerror or e}",
                                      hint="give another port (--serve PORT), or --serve 0 for any free one")) from None
        server.daemon_threads = True
        self._server = server
        self.port = server.server_address[1]
        self._thread = threading.Thread(target=server.serve_forever, name="flatplan-server", daemon=True)
        self._thread.start()
        return self.url

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def publish(self, data: dict) -> None:
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        with self._cond:
            self._data = body
            self._push("build", body)

    def failed(self, message: str) -> None:
        with self._cond:
            self._push("failed", json.dumps({"message": message}, ensure_ascii=False).encode("utf-8"))

    def _push(self, name: str, body: bytes) -> None:
        self._seq += 1
        self._event = (name, body)
        self._cond.notify_all()

    # -- for the handler ----------------------------------------------------------------
    def stream(self, write) -> None:
        """Send the current flatplan, then every event as it is published, until the page
        goes away or the server stops.  `write(bytes)` raises OSError when the page is gone."""
        with self._cond:
            seen = self._seq
            first = self._data
        if first is not None:
            write(_sse("build", first))
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._stopping or self._seq != seen, timeout=KEEPALIVE)
                if self._stopping:
                    return
                event = self._event if self._seq != seen else None
                seen = self._seq
            write(_sse(*event) if event is not None else b": keep-alive\n\n")

    def file(self, path: str) -> Path | None:
        """The file a request path names inside the folder, if it is one the flatplan shows."""
        rel = unquote(urlsplit(path).path).lstrip("/") or INDEX
        if "\x00" in rel or Path(rel).suffix.lower() not in TYPES:
            return None
        target = (self.folder / rel).resolve()
        if not target.is_relative_to(self.folder) or not target.is_file():
            return None
        return target

    def allowed_host(self, host: str | None) -> bool:
        return host in (f"{HOST}:{self.port}", f"localhost:{self.port}")


def _sse(name: str, body: bytes) -> bytes:
    return b"event: " + name.encode() + b"\ndata: " + body.replace(b"\n", b"\ndata: ") + b"\n\n"


def _handler(live: LiveFlatplan) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "layout-flatplan"
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
            pass  # the watcher's terminal shows builds, not requests

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            if not live.allowed_host(self.headers.get("Host")):
                return self._send(HTTPStatus.FORBIDDEN, b"forbidden", "text/plain")
            if urlsplit(self.path).path == "/events":
                return self._events()
            target = live.file(self.path)
            if target is None:
                if urlsplit(self.path).path in ("/", f"/{INDEX}"):
                    return self._send(HTTPStatus.OK, WAITING, TYPES[".html"])
                return self._send(HTTPStatus.NOT_FOUND, b"not found", "text/plain")
            try:
                body = target.read_bytes()
            except OSError:
                return self._send(HTTPStatus.NOT_FOUND, b"not found", "text/plain")
            # previews are named by their content: cache them; the rest may change any time
            immutable = target.parent.name == "previews" and target.suffix == ".png"
            self._send(HTTPStatus.OK, body, TYPES[target.suffix.lower()],
                       "public, max-age=31536000, immutable" if immutable else "no-cache")

        def _send(self, status: HTTPStatus, body: bytes, ctype: str, cache: str = "no-store") -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", cache)
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            self.wfile.write(body)

        def _events(self) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True

            def write(chunk: bytes) -> None:
                self.wfile.write(chunk)
                self.wfile.flush()

            try:
                live.stream(write)
            except OSError:  # the page was closed or reloaded
                pass

    return Handler
