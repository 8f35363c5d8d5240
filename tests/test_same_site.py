"""scripts/same_site.py: the site built for GitHub Pages must be the tested site, but for
its address; any other difference is listed."""

import gzip
import shutil
import subprocess
import sys

import pytest
from paths import ROOT

from scripts.same_site import differences

TESTED, PUBLISHED = "http://127.0.0.1:8000/ravine/", "https://owner.github.io/ravine/"


def site(root, url, extra=None):
    (root / "lesson").mkdir(parents=True)
    (root / "index.html").write_text(f'<link rel="canonical" href="{url}"><p>Home</p>')
    (root / "lesson" / "index.html").write_text(
        '<div id="cell-id=1a2b3c4d">x</div>' if extra is None else extra)
    (root / "lesson.ipynb").write_text(f'{{"id": "0f0f0f0f", "source": "{url}lesson/"}}')
    (root / "sitemap.xml.gz").write_bytes(gzip.compress(f"<loc>{url}</loc>".encode()))
    (root / "figure.png").write_bytes(bytes(range(256)))
    return root


@pytest.fixture
def builds(tmp_path):
    return site(tmp_path / "tested", TESTED), site(tmp_path / "published", PUBLISHED)


def test_two_builds_that_differ_only_by_the_address_are_the_same_site(builds):
    assert differences(*builds, TESTED, PUBLISHED) == []


def test_notebook_cell_ids_are_not_compared(builds, tmp_path):
    tested, published = builds
    (published / "lesson" / "index.html").write_text('<div id="cell-id=9e8d7c6b">x</div>')
    (published / "lesson.ipynb").write_text(
        f'{{"id": "12345678", "source": "{PUBLISHED}lesson/"}}')
    assert differences(tested, published, TESTED, PUBLISHED) == []


def test_the_service_workers_manifest_line_is_not_compared_but_its_code_is(builds):
    tested, published = builds
    (tested / "sw.js").write_text('const BUILD = {"key": "1a2b"};\nself.skipWaiting;\n')
    (published / "sw.js").write_text('const BUILD = {"key": "9f8e"};\nself.skipWaiting;\n')
    assert differences(tested, published, TESTED, PUBLISHED) == []
    (published / "sw.js").write_text('const BUILD = {"key": "9f8e"};\nself.clients;\n')
    assert differences(tested, published, TESTED, PUBLISHED) == ["differs: sw.js"]


def test_any_other_difference_is_listed(builds):
    tested, published = builds
    (published / "lesson" / "index.html").write_text('<div id="cell-id=1a2b3c4d">y</div>')
    (published / "figure.png").write_bytes(bytes(range(255)))
    (published / "sitemap.xml.gz").write_bytes(gzip.compress(f"<loc>{TESTED}</loc>".encode()))
    (tested / "extra.js").write_text("1")
    (published / "other.js").write_text("1")
    assert differences(tested, published, TESTED, PUBLISHED) == [
        "only in the tested site: extra.js", "only in the published site: other.js",
        "differs: figure.png", "differs: lesson/index.html", "differs: sitemap.xml.gz"]


def test_the_script_exits_1_and_says_why(builds):
    tested, published = builds
    shutil.rmtree(published / "lesson")
    result = subprocess.run([sys.executable, ROOT / "scripts" / "same_site.py", tested,
                             published, "--tested", TESTED, "--published", PUBLISHED],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "only in the tested site: lesson/index.html" in result.stdout
