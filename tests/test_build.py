"""`mkdocs build --strict` passes, and its validation really catches broken links."""

import pytest
from mkdocs_build import mkdocs_build
from paths import BUILD, ROOT, SITE

# what the site is built from (Makefile: the prerequisites of $(BUILD)/.site.stamp)
SOURCES = ["docs", "scripts", "lesson_code", "mkdocs.yml", "pyproject.toml", "package-lock.json",
           "Makefile"]


def build(config, site_dir):
    return mkdocs_build(config, site_dir)


def newest_source():
    files = [p for name in SOURCES for p in ([ROOT / name] if (ROOT / name).is_file()
                                            else (ROOT / name).rglob("*"))
             if p.is_file() and "__pycache__" not in p.parts]
    return max(p.stat().st_mtime for p in files)


def test_the_site_builds_strictly(tmp_path):
    """`make site` runs `mkdocs build --strict` and stamps $(BUILD)/.site.stamp only when it
    passed (make stops at a failing command): a stamp newer than every source is that
    strict build of this very tree, the one `make test` has just made. Without one (pytest
    run by hand after an edit), the site is built strictly here."""
    makefile = (ROOT / "Makefile").read_text()
    assert "mkdocs build --strict\n\t@touch $@" in makefile and ".DELETE_ON_ERROR:" in makefile
    stamp = BUILD / ".site.stamp"
    site = SITE
    if not stamp.is_file() or stamp.stat().st_mtime < newest_source():
        site = tmp_path / "site"
        result = build(ROOT / "mkdocs.yml", site)
        assert result.returncode == 0, result.stdout + result.stderr
    assert (site / "index.html").is_file()
    assert (site / "vendor" / "pyodide" / "pyodide-lock.json").is_file()


def small_site(tmp_path, extra_page):
    """A two-page site under the real configuration (its validation settings), the
    real home page, and one more page under dev/."""
    docs = tmp_path / "docs"
    (docs / "dev").mkdir(parents=True)
    (docs / "index.md").write_text("# Home\n\n## A heading\n\nText.\n")
    (docs / "dev" / "page.md").write_text(extra_page)
    config = tmp_path / "mkdocs.yml"
    config.write_text(f"INHERIT: {ROOT / 'mkdocs.yml'}\ndocs_dir: {docs}\n"
                      f"hooks:\n  - {ROOT / 'scripts' / 'mkdocs_hooks.py'}\n"
                      "nav:\n  - Home: index.md\n")
    assert "validation:" in (ROOT / "mkdocs.yml").read_text()
    return build(config, tmp_path / "site")


def test_good_links_pass_the_strict_build(tmp_path):
    """The control for the next test: the same small site, its links right, builds."""
    result = small_site(tmp_path, "# Fine\n\n[home](../index.md), [a heading]"
                                  "(../index.md#a-heading)\n")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("broken, message", [
    ("[a page that is not there](../no-such-page.md)", "no-such-page.md"),
    ("[an anchor that is not there](../index.md#no-such-heading)", "no-such-heading"),
])
def test_a_broken_link_fails_the_strict_build(tmp_path, broken, message):
    result = small_site(tmp_path, f"# Broken\n\n{broken}\n")
    assert result.returncode != 0
    assert message in result.stdout + result.stderr


def test_the_figures_are_rendered_again_when_a_page_they_read_changes():
    """A figure script that reads a lesson's `define:` settings (its race, its κ list)
    names that page; the Makefile's figure rule must depend on it, or a changed setting
    leaves the figure drawn from the old one beside a page that states the new one."""
    import re
    makefile = (ROOT / "Makefile").read_text()
    rule = re.search(r"^FIGURE_SRC\s*:=((?:.*\\\n)*.*)$", makefile, re.M)[1]
    read = {f"docs/optimizers/{page}"
            for script in (ROOT / "scripts" / "figures").glob("*.py")
            for page in re.findall(r'"(\w+\.md)"', script.read_text())}
    assert read >= {"docs/optimizers/ravine.md", "docs/optimizers/adaptive.md",
                    "docs/optimizers/practice.md"}
    assert read <= set(rule.split()), sorted(read - set(rule.split()))
