"""Serve a built site over HTTP, at the root or under a sub-path.

Usage: python scripts/serve.py [--root build/site] [--port PORT] [--prefix /PATH/]

By default it serves at the port and path of the site's own site_url (read from its
sitemap.xml), which is where Material's instant navigation expects to run.

With --prefix the site answers only under that path, as a GitHub Pages project site
(https://<owner>.github.io/<repo>/) does: "/" redirects there and everything else is a
404. The browser tests serve it that way, so a root-absolute URL anywhere in the site
shows up as a failure.
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
            self.send_response(302)
            self.send_header("Location", self.prefix)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        return super().send_head()

    def translate_path(self, path):
        if not path.startswith(self.prefix):
            return str(pathlib.Path(self.directory) / "\0missing")
        return super().translate_path("/" + path[len(self.prefix):])

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
