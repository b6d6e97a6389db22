"""The preview's web server: 127.0.0.1 only, a handful of routes, 404 for everything else.

Routes:

``/``                         the page (``static/page.html``)
``/preview/<file>``           the page's own script and stylesheets (a fixed list)
``/events``                   server-sent events: the state, again after every render
``/state``                    the same state once, as JSON
``/copy/<slug>.html``         a copy's HTML (the last good render)
``/copy/<slug>/<name>.pdf``   its PDF (and ``.docx``), rendered on demand once per version
``/templates/<path>``         a house-style file that a shown copy references (stylesheet,
                              font, logo); nothing else of the house-style folders

Paths are taken apart before they are decoded, and a segment that decodes to nothing, to
``.`` or ``..``, or to anything holding a slash, a backslash or a control character ends the
request with 404; files are resolved (symlinks followed) and must be on the allow-list.
"""

from __future__ import annotations

import json
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from ..errors import DtzLettersError
from .state import ASSET_TYPES, LetterPreview
from .watch import Watcher

#: The page's own files, served from the package.
_STATIC = {
    "preview.js": "text/javascript; charset=utf-8",
    "preview.css": "text/css; charset=utf-8",
    "sheet.css": "text/css; charset=utf-8",
}
#: How often an idle event stream says it is alive (and finds out that the page is gone).
_KEEP_ALIVE = 15.0

#: Letter text is data; should anything in a copy ever look like markup, it cannot run or
#: fetch: no script at all in a copy, and nothing from outside the preview.
_COPY_POLICY = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; font-src 'self'; "
    "img-src 'self' data:; base-uri 'self'; form-action 'none'; frame-ancestors 'self'"
)
_PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "frame-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'"
)
_ASSET_POLICY = "default-src 'none'; style-src 'unsafe-inline'; font-src 'self'"


def static_file(name: str) -> bytes:
    return resources.files(__package__).joinpath("static", name).read_bytes()


class PreviewServer:
    """A running preview: the server thread, the watcher thread, and the state they share."""

    def __init__(self, preview: LetterPreview, port: int = 0) -> None:
        self.preview = preview
        try:
            self.httpd = _Server(("127.0.0.1", port), _Handler)
        except OSError as exc:
            raise DtzLettersError(
                f"the preview cannot listen on 127.0.0.1:{port}: {exc.strerror}; choose another "
                "port with --port, or leave it out to take a free one"
            ) from None
        self.httpd.preview = preview
        self.watcher = Watcher(preview)
        self._threads = [
            threading.Thread(target=self.httpd.serve_forever, name="preview-http", daemon=True),
            threading.Thread(target=self.watcher.run, name="preview-watch", daemon=True),
            threading.Thread(target=preview.warm_up, name="preview-warm-up", daemon=True),
        ]
        self._closed = threading.Event()

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> PreviewServer:
        self.watcher.ready.clear()
        for thread in self._threads:
            thread.start()
        self.watcher.ready.wait(10)  # watching before the caller saves anything
        return self

    def wait(self) -> None:
        """Block until :meth:`close` (or Ctrl-C, which reaches the caller)."""
        # A wait with a timeout, so that Ctrl-C is seen at once on every platform.
        while not self._closed.wait(0.5):
            pass

    def close(self) -> None:
        """Stop watching and serving; open event streams end; the port is free again."""
        if self._closed.is_set():
            return
        self._closed.set()
        self.watcher.stop()
        self.preview.close()
        self.httpd.shutdown()
        self.httpd.server_close()
        for thread in self._threads[:2]:
            thread.join(5)

    def __enter__(self) -> PreviewServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # an open event stream does not keep the process alive
    preview: LetterPreview

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser that closes a kept-alive connection (a tab closed, the browser quit) is
        # no error of ours; anything else still gets socketserver's report.
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "dtz-letters-preview"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        pass  # a request log is noise in the terminal the user works in

    def do_HEAD(self) -> None:
        self._route(head=True)

    def do_GET(self) -> None:
        self._route(head=False)

    # ----------------------------------------------------------------------- routing

    def _route(self, head: bool) -> None:
        parts = request_parts(self.path)
        preview = self.server.preview
        if parts is None:
            return self._not_found(head)
        if parts == []:
            return self._send(
                static_file("page.html"), "text/html; charset=utf-8", head, _PAGE_POLICY
            )
        first, rest = parts[0], parts[1:]
        if first == "preview" and len(rest) == 1 and rest[0] in _STATIC:
            return self._send(static_file(rest[0]), _STATIC[rest[0]], head, _ASSET_POLICY)
        if parts == ["state"]:
            body = json.dumps(preview.snapshot(), ensure_ascii=False).encode("utf-8")
            return self._send(body, "application/json; charset=utf-8", head)
        if parts == ["events"] and not head:
            return self._events()
        if first == "copy" and len(rest) == 1 and rest[0].endswith(".html"):
            html = preview.html(rest[0].removesuffix(".html"))
            if html is not None:
                return self._send(
                    html.encode("utf-8"), "text/html; charset=utf-8", head, _COPY_POLICY
                )
        if first == "copy" and len(rest) == 2 and "." in rest[1]:
            return self._output(rest[0], rest[1], head)
        if first == "templates" and rest:
            path = preview.asset(rest)
            if path is not None:
                return self._asset(path, head)
        return self._not_found(head)

    def _asset(self, path: Path, head: bool) -> None:
        """A house-style file, revalidated by its modification time and size: each new
        render of a copy loads its fonts and stylesheets again, and should get "304 Not
        Modified" for what did not change."""
        stat = path.stat()
        tag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
        cache = {"ETag": tag, "Cache-Control": "no-cache"}
        if self.headers.get("If-None-Match") == tag:
            self.send_response(HTTPStatus.NOT_MODIFIED)
            for key, value in cache.items():
                self.send_header(key, value)
            self.end_headers()
            return
        kind = ASSET_TYPES[path.suffix.lower()]
        self._send(path.read_bytes(), kind, head, _ASSET_POLICY, extra=cache)

    def _output(self, slug: str, filename: str, head: bool) -> None:
        suffix = filename.rsplit(".", 1)[1]
        try:
            found = self.server.preview.output(slug, suffix)
        except DtzLettersError as exc:
            body = f"{exc}\n".encode()
            return self._send(
                body, "text/plain; charset=utf-8", head, status=HTTPStatus.INTERNAL_SERVER_ERROR
            )
        if found is None or found[2] != filename:
            return self._not_found(head)
        data, chosen, name = found
        disposition = "inline" if chosen.suffix == "pdf" else "attachment"
        self._send(
            data,
            chosen.media_type,
            head,
            _ASSET_POLICY,
            extra={"Content-Disposition": f'{disposition}; filename="{name}"'},
        )

    def _events(self) -> None:
        """Server-sent events: the state now, and again after every render."""
        preview = self.server.preview
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        seen = -1
        try:
            while True:
                version = preview.wait_for_change(seen, _KEEP_ALIVE)
                if preview.closing:
                    return
                if version == seen:
                    self.wfile.write(b": keep-alive\n\n")
                else:
                    seen = version
                    data = json.dumps(preview.snapshot(), ensure_ascii=False)
                    self.wfile.write(f"event: update\ndata: {data}\n\n".encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            return  # the page was closed or reloaded

    # ----------------------------------------------------------------------- answers

    def _send(
        self,
        body: bytes,
        content_type: str,
        head: bool,
        policy: str | None = None,
        *,
        status: HTTPStatus = HTTPStatus.OK,
        extra: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if "Cache-Control" not in (extra or {}):
            self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        if policy:
            self.send_header("Content-Security-Policy", policy)
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _not_found(self, head: bool) -> None:
        self._send(
            b"404 not found\n", "text/plain; charset=utf-8", head, status=HTTPStatus.NOT_FOUND
        )


def request_parts(target: str) -> list[str] | None:
    """The decoded segments of a request target's path, or None when it is anything but a
    plain path of plain names (absolute-form URLs, empty, ``.`` or ``..`` segments, encoded
    slashes, backslashes, control characters)."""
    if not target.startswith("/"):
        return None  # "http://host/..." or "*": no file of ours
    path = target.split("?", 1)[0].split("#", 1)[0]
    if path == "/":
        return []
    parts = []
    for raw in path[1:].split("/"):
        try:
            part = unquote(raw, errors="strict")
        except UnicodeDecodeError:
            return None
        if part in ("", ".", "..") or any(c in part for c in "/\\") or not part.isprintable():
            return None
        parts.append(part)
    return parts


def serve(preview: LetterPreview, port: int = 0) -> PreviewServer:
    """Render the letter, then start serving and watching; returns the running server."""
    preview.refresh()
    return PreviewServer(preview, port).start()
