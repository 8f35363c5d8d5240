"""scripts/serve.py answers as GitHub Pages does for a project site under /ravine/: the site
under its prefix, "/" redirected there, and 404 with the site's own 404.html for anything
else, hostile paths included. The server never drops a connection without an answer."""

import http.client
import threading

import pytest

from scripts.serve import make_server

NOT_FOUND = "<!doctype html><title>Not found</title><h1>404 - Not found</h1>"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    (root / "index.html").write_text("<h1>Home</h1>")
    (root / "404.html").write_text(NOT_FOUND)
    (root / "lesson").mkdir()
    (root / "lesson" / "index.html").write_text("<h1>Lesson</h1>")
    (root.parent / "secret.txt").write_text("outside the site")
    server = make_server(root, 0, "/ravine/")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def ask(port, path, method="GET"):
    """(status, Location header, body) of one request, the path sent exactly as given."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    connection.putheader("Host", f"127.0.0.1:{port}")
    connection.endheaders()
    response = connection.getresponse()
    answer = response.status, response.getheader("Location"), response.read().decode()
    connection.close()
    return answer


def test_the_site_is_served_under_its_prefix(server):
    assert ask(server, "/ravine/") == (200, None, "<h1>Home</h1>")
    assert ask(server, "/ravine/lesson/") == (200, None, "<h1>Lesson</h1>")
    assert ask(server, "/")[:2] == (302, "/ravine/")


@pytest.mark.parametrize("path", [
    "/ravine/no-such-page/",                # a missing page
    "/elsewhere/",                          # outside the prefix (crashed: embedded null byte)
    "/ravine/%00",                          # a NUL inside the prefix
    "/ravine/lesson/%00index.html",
    "/ravinex/",                            # the prefix's name, longer
    "/ravine/../secret.txt",                # out of the site by ..
    "/ravine/%2e%2e/secret.txt",
])
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_anything_else_is_a_404_with_the_sites_own_page(server, path, method):
    status, _, body = ask(server, path, method)
    assert status == 404
    assert body == (NOT_FOUND if method == "GET" else "")


def test_the_prefix_without_its_slash_redirects_to_it(server):
    assert ask(server, "/ravine")[:2] == (301, "/ravine/")


def test_a_site_without_a_404_page_still_answers_404(tmp_path):
    (tmp_path / "index.html").write_text("<h1>Home</h1>")
    server = make_server(tmp_path, 0, "/ravine/")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        status, _, body = ask(server.server_address[1], "/elsewhere/")
        assert status == 404 and "404" in body
    finally:
        server.shutdown()
        server.server_close()
