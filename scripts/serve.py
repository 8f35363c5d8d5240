"""Serve a built site over HTTP, at the root or under a sub-path.

Usage: python scripts/serve.py [--root build/site] [--port PORT] [--prefix /PATH/]

By default it serves at the port and path of the site's own site_url (read from its
sitemap.xml), which is where Material's instant navigation expects to run.

With --prefix the site answers only under that path, as a GitHub Pages project site
(https://<owner>.github.io/<repo>/) does: "/" redirects there and everything else is a
404. The browser tests serve it that way, so a root-absolute URL anywhere in the site
shows up as a failure. As on GitHub Pages, a 404 carries the site's own 404.html, a folder
without an index.html is a 404 (no listing), every answer says `Cache-Control: max-age=600`,
and text-like files and .wasm are gzipped when the request accepts gzip, so what a browser
downloads here (and what a benchmark measures) is what a reader downloads from Pages.
"""

import argparse
import datetime
import email.utils
import functools
import gzip
import io
import http.server
import os
import pathlib
import re
import sys
import threading
import urllib.parse

# What GitHub Pages compresses: text and the structured-text types, and WebAssembly.
# Already-compressed formats (woff2, png, zip, whl, gz) go as they are.
COMPRESSIBLE = re.compile(r"text/.*|application/(javascript|json|xml|wasm|manifest\+json)"
                          r"|image/svg\+xml")
CACHE_CONTROL = "max-age=600"


class Handler(http.server.SimpleHTTPRequestHandler):
    prefix = "/"
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".mjs": "text/javascript",
                      ".js": "text/javascript", ".whl": "application/zip"}

    def send_head(self):
        if self.prefix != "/" and self.path in ("/", "/index.html"):
            return self.redirect(302, self.prefix)
        if self.path == self.prefix.rstrip("/"):
            return self.redirect(301, self.prefix)
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        # outside the prefix, or a NUL that no file name holds (open() would raise)
        if not path.startswith(self.prefix) or "\0" in urllib.parse.unquote(path):
            self.send_error(404, "File not found")
            return None
        file = self.translate_path(self.path)
        if os.path.isdir(file) and path.endswith("/"):
            file = os.path.join(file, "index.html")
            if not os.path.isfile(file):  # Pages lists no folder
                self.send_error(404, "File not found")
                return None
        if os.path.isfile(file) and self.accepts_gzip() and COMPRESSIBLE.fullmatch(
                self.guess_type(file)):
            return self.send_gzipped(file)
        return super().send_head()

    def accepts_gzip(self):
        """Whether Accept-Encoding names gzip (or *) without q=0."""
        for coding in self.headers.get("Accept-Encoding", "").split(","):
            name, _, params = coding.strip().partition(";")
            q = re.search(r"q\s*=\s*([0-9.]+)", params)
            if name.strip().lower() in ("gzip", "*") and not (q and float(q.group(1)) == 0):
                return True
        return False

    def send_gzipped(self, file):
        """Headers for the gzipped file (or a 304), and its compressed bytes to copy."""
        stat = os.stat(file)
        since = self.headers.get("If-Modified-Since")
        if since and "If-None-Match" not in self.headers:
            try:
                date = email.utils.parsedate_to_datetime(since)
                date = date if date.tzinfo else date.replace(tzinfo=datetime.timezone.utc)
                if date.timestamp() >= int(stat.st_mtime):
                    self.send_response(304)
                    self.send_header("Vary", "Accept-Encoding")
                    self.end_headers()
                    return None
            except (TypeError, ValueError, IndexError, OverflowError):
                pass  # an ill-formed date: answer in full
        body = self.server.gzipped(file, stat)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(file))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", self.date_time_string(stat.st_mtime))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(body)

    def list_directory(self, path):
        self.send_error(404, "File not found")
        return None

    def end_headers(self):
        self.send_header("Cache-Control", CACHE_CONTROL)
        super().end_headers()

    def redirect(self, status, location):
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def translate_path(self, path):
        return super().translate_path("/" + path[len(self.prefix):])

    def send_error(self, code, message=None, explain=None):
        """A 404 answers with the site's own 404.html, as GitHub Pages does."""
        page = pathlib.Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404, message)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format, *args):
        if self.server.verbose:
            super().log_message(format, *args)


class Server(http.server.ThreadingHTTPServer):
    """Keeps each file's gzipped bytes until the file changes (the 9.6 MB wasm takes about
    half a second to compress; a rebuilt file is compressed again)."""

    def __init__(self, address, handler, verbose=False):
        super().__init__(address, handler)
        self.verbose = verbose
        self._gzipped = {}
        self._lock = threading.Lock()

    def handle_error(self, request, client_address):
        """A browser that closes a connection mid-download (a page left, a test ended) is
        not an error of the server."""
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)

    def gzipped(self, file, stat):
        key = (file, stat.st_mtime_ns, stat.st_size)
        with self._lock:
            body = self._gzipped.get(key)
        if body is None:
            with open(file, "rb") as f:
                body = gzip.compress(f.read(), compresslevel=6, mtime=0)
            with self._lock:
                self._gzipped = {k: v for k, v in self._gzipped.items() if k[0] != file}
                self._gzipped[key] = body
        return body


def make_server(root, port=0, prefix="/", host="127.0.0.1", verbose=False):
    """A threading HTTP server for root under prefix; port 0 picks a free port."""
    prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
    handler = functools.partial(type("PrefixedHandler", (Handler,), {"prefix": prefix}),
                                directory=str(root))
    return Server((host, port), handler, verbose)


def site_address(root):
    """(port, path) of the site_url a built site was made for, from its sitemap.xml."""
    sitemap = pathlib.Path(root) / "sitemap.xml"
    match = re.search(r"<loc>([^<]+)</loc>", sitemap.read_text()) if sitemap.is_file() else None
    url = urllib.parse.urlsplit(match.group(1) if match else "http://127.0.0.1:8000/")
    return url.port or 80, url.path or "/"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default="build/site")
    parser.add_argument("--port", type=int, help="default: the port of site_url")
    parser.add_argument("--prefix", help="default: the path of site_url")
    args = parser.parse_args()
    port, prefix = site_address(args.root)
    args.port = args.port or port
    args.prefix = args.prefix or prefix
    server = make_server(args.root, args.port, args.prefix, verbose=True)
    host, port = server.server_address[:2]
    print(f"Serving {args.root} at http://{host}:{port}{args.prefix}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
