"""Serve a built site over HTTP, at the root or under a sub-path.

Usage: python scripts/serve.py [--root build/site] [--port PORT] [--prefix /PATH/]

By default it serves at the port and path of the site's own site_url (read from its
sitemap.xml), which is where Material's instant navigation expects to run.

With --prefix the site answers only under that path, as a GitHub Pages project site
(https://<owner>.github.io/<repo>/) does: "/" redirects there and everything else is a
404. The browser tests serve it that way, so a root-absolute URL anywhere in the site
shows up as a failure. As on GitHub Pages, a 404 carries the site's own 404.html.
"""

import argparse
import functools
import http.server
import pathlib
import re
import urllib.parse


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
        return super().send_head()

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


def make_server(root, port=0, prefix="/", host="127.0.0.1", verbose=False):
    """A ThreadingHTTPServer for root under prefix; port 0 picks a free port."""
    prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
    handler = functools.partial(type("PrefixedHandler", (Handler,), {"prefix": prefix}),
                                directory=str(root))
    server = http.server.ThreadingHTTPServer((host, port), handler)
    server.verbose = verbose
    return server


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
