"""`mkdocs build --strict` passes, and its validation really catches broken links."""

import os
import shutil
import subprocess
import sys

import pytest
from paths import ROOT

MKDOCS = [sys.executable, "-m", "mkdocs", "build", "--strict"]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def build(config, site_dir):
    return subprocess.run([*MKDOCS, "-f", str(config), "-d", str(site_dir)],
                          cwd=ROOT, env=ENV, capture_output=True, text=True)


def test_the_site_builds_strictly(tmp_path):
    result = build(ROOT / "mkdocs.yml", tmp_path / "site")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "site" / "index.html").is_file()
    assert (tmp_path / "site" / "vendor" / "pyodide" / "pyodide-lock.json").is_file()


@pytest.mark.parametrize("broken, message", [
    ("[a page that is not there](no-such-page.md)", "no-such-page.md"),
    ("[an anchor that is not there](index.md#no-such-heading)", "no-such-heading"),
])
def test_a_broken_link_fails_the_strict_build(tmp_path, broken, message):
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs, ignore=shutil.ignore_patterns("*.ipynb", "lab*.py"))
    (docs / "dev" / "broken.md").write_text(f"# Broken\n\n{broken.replace('](', '](../')}\n")
    config = tmp_path / "mkdocs.yml"
    text = (ROOT / "mkdocs.yml").read_text()
    config.write_text(f"INHERIT: {ROOT / 'mkdocs.yml'}\ndocs_dir: {docs}\n"
                      f"hooks:\n  - {ROOT / 'scripts' / 'mkdocs_hooks.py'}\n")
    assert "validation:" in text
    result = build(config, tmp_path / "site")
    assert result.returncode != 0
    assert message in result.stdout + result.stderr
