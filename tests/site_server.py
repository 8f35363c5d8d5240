"""The built site served once for the whole run, where its site_url says.

The site can only be served on the port baked into its build, so parallel workers
(pytest-xdist) cannot each bind it: the controller serves it and hands the address to
every worker (tests/conftest.py); a run without workers serves it in the browser
fixtures (tests/browser/conftest.py), as before.
"""

import sys
import threading

from paths import SITE

from scripts.serve import make_server, site_address


def no_site_message():
    return f"no built site at {SITE}: run `make site` (make test does it)"


def start(root, port, prefix):
    """A server for root under prefix on port, answering in a daemon thread.
    Raises OSError when the port is taken."""
    server = make_server(root, port, prefix)
    # every worker's browser asks at once: a longer queue of connections waiting to be
    # accepted than socketserver's 5 (listen() again only resizes it)
    server.socket.listen(64)
    server.handle_error = quiet_about_hang_ups(server.handle_error)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def quiet_about_hang_ups(handle_error):
    """A browser that closes a connection mid-answer (a page left, a download aborted)
    is no error of the site's: say nothing of it; anything else is printed as before."""
    def handle(request, client_address):
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            handle_error(request, client_address)
    return handle


def busy_message(port, error):
    return (f"cannot serve the site on port {port} ({error}); is `make serve` running? "
            "Stop it: the tests serve the site where its site_url says.")


class SharedSite:
    """Serves the built site on first use; .root is its URL, .error why it could not."""

    def __init__(self):
        self.server = None
        self.root = None
        self.error = None

    def serve(self):
        if self.server is not None or self.error is not None:
            return
        if not (SITE / "index.html").is_file():
            self.error = no_site_message()
            return
        port, prefix = site_address(SITE)
        if prefix == "/":
            self.error = "the tests serve the site under a sub-path, as GitHub Pages does"
            return
        try:
            self.server = start(SITE, port, prefix)
        except OSError as error:
            self.error = busy_message(port, error)
            return
        self.root = f"http://127.0.0.1:{port}{prefix}"

    def close(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
