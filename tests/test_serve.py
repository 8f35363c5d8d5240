"""scripts/serve.py answers as GitHub Pages does for a project site under /ravine/: the site
under its prefix, "/" redirected there, and 404 with the site's own 404.html for anything
else, hostile paths included. The server never drops a connection without an answer.
Text-like files and .wasm come gzipped when the request accepts gzip (and whole otherwise),
every answer says `Cache-Control: max-age=600`, as Pages' do."""

import gzip
import http.client
import os
import random
import threading

import pytest

from scripts.serve import make_server

NOT_FOUND = "<!doctype html><title>Not found</title><h1>404 - Not found</h1>"
# Files as the site has them: text that compresses, and bytes that do not (random, like a
# woff2 font or a png, which Pages sends as they are).
_random = random.Random(0)
FILES = {
    "app.js": b"export const answer = 42;\n" * 400,
    "style.css": b"body { color: #111; }\n" * 300,
    "data.json": b'{"x": [1, 2, 3]}' * 200,
    "figure.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0L1 1"/></svg>' * 50,
    "runtime.wasm": b"\0asm\1\0\0\0" + bytes(_random.randrange(4) for _ in range(50_000)),
    "font.woff2": bytes(_random.randrange(256) for _ in range(20_000)),
    "picture.png": bytes(_random.randrange(256) for _ in range(20_000)),
}
GZIPPED = ["app.js", "style.css", "data.json", "figure.svg", "runtime.wasm"]
AS_THEY_ARE = ["font.woff2", "picture.png"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    (root / "index.html").write_text("<h1>Home</h1>")
    (root / "404.html").write_text(NOT_FOUND)
    (root / "lesson").mkdir()
    (root / "lesson" / "index.html").write_text("<h1>Lesson</h1>")
    (root.parent / "secret.txt").write_text("outside the site")
    (root / "assets").mkdir()
    for name, data in FILES.items():
        (root / "assets" / name).write_bytes(data)
    (root / "empty").mkdir()
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


def fetch(port, path, method="GET", **headers):
    """(status, headers as a dict with lower-case names, raw body bytes) of one request."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest(method, path, skip_accept_encoding=True)
    for name, value in headers.items():
        connection.putheader(name.replace("_", "-"), value)
    connection.endheaders()
    response = connection.getresponse()
    answer = (response.status, {k.lower(): v for k, v in response.getheaders()},
              response.read())
    connection.close()
    return answer


@pytest.mark.parametrize("name", GZIPPED)
def test_text_and_wasm_come_gzipped_when_the_browser_accepts_it(server, name):
    status, headers, body = fetch(server, f"/ravine/assets/{name}",
                                  Accept_Encoding="gzip, deflate, br")
    assert status == 200
    assert headers["content-encoding"] == "gzip"
    assert headers["vary"] == "Accept-Encoding"
    assert headers["cache-control"] == "max-age=600"
    assert int(headers["content-length"]) == len(body)
    assert gzip.decompress(body) == FILES[name]
    assert len(body) < len(FILES[name])


@pytest.mark.parametrize("accept", [None, "identity", "br", "gzip;q=0", "deflate, gzip; q=0.0"])
@pytest.mark.parametrize("name", GZIPPED + AS_THEY_ARE)
def test_files_come_whole_when_gzip_is_not_accepted(server, name, accept):
    headers = {"Accept_Encoding": accept} if accept else {}
    status, headers, body = fetch(server, f"/ravine/assets/{name}", **headers)
    assert status == 200
    assert "content-encoding" not in headers
    assert headers["cache-control"] == "max-age=600"
    assert int(headers["content-length"]) == len(body)
    assert body == FILES[name]


@pytest.mark.parametrize("name", AS_THEY_ARE)
def test_compressed_formats_are_sent_as_they_are(server, name):
    status, headers, body = fetch(server, f"/ravine/assets/{name}", Accept_Encoding="gzip")
    assert status == 200 and "content-encoding" not in headers and body == FILES[name]


@pytest.mark.parametrize("accept", ["gzip", None])
def test_pages_too_and_head_answers_what_get_would_without_the_body(server, accept):
    headers = {"Accept_Encoding": accept} if accept else {}
    status, got, body = fetch(server, "/ravine/lesson/", **headers)
    assert status == 200 and got["cache-control"] == "max-age=600"
    assert (gzip.decompress(body) if accept else body) == b"<h1>Lesson</h1>"
    assert got.get("content-encoding") == ("gzip" if accept else None)
    status, head, body = fetch(server, "/ravine/lesson/", "HEAD", **headers)
    assert status == 200 and body == b""
    del got["date"], head["date"]
    assert head == got


def test_a_copy_unchanged_since_the_browser_got_it_is_not_sent_again(server):
    _, headers, _ = fetch(server, "/ravine/assets/app.js", Accept_Encoding="gzip")
    status, again, body = fetch(server, "/ravine/assets/app.js", Accept_Encoding="gzip",
                                If_Modified_Since=headers["last-modified"])
    assert (status, body) == (304, b"")
    assert again["cache-control"] == "max-age=600"


def test_a_rebuilt_file_is_served_new(tmp_path):
    (tmp_path / "app.js").write_text("const version = 1;")
    server = make_server(tmp_path, 0, "/ravine/")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        assert gzip.decompress(fetch(port, "/ravine/app.js", Accept_Encoding="gzip")[2]) \
            == b"const version = 1;"
        (tmp_path / "app.js").write_text("const version = 2; // longer")
        os.utime(tmp_path / "app.js", ns=(0, 10**18))  # a different mtime, whatever the clock
        assert gzip.decompress(fetch(port, "/ravine/app.js", Accept_Encoding="gzip")[2]) \
            == b"const version = 2; // longer"
    finally:
        server.shutdown()
        server.server_close()


def test_a_folder_without_an_index_is_a_404_not_a_listing(server):
    status, headers, body = fetch(server, "/ravine/empty/")
    assert status == 404 and body.decode() == NOT_FOUND
    assert headers["cache-control"] == "max-age=600"


def test_a_range_is_not_served_a_range_request_gets_the_whole_file(server):
    """Nothing in the site asks for ranges; the server answers them with the whole file
    (as HTTP allows), never with a wrong slice."""
    status, headers, body = fetch(server, "/ravine/assets/font.woff2", Range="bytes=0-99")
    assert status == 200 and body == FILES["font.woff2"]
