"""Math is typeset when the site builds (scripts/katex_hook.py): every formula of every
built page is KaTeX's HTML, no page loads KaTeX's script, and a formula KaTeX cannot
read stops the build with its page."""

import re

import pytest
from mkdocs_build import mkdocs_build
from paths import ROOT, SITE

PAGES = sorted(SITE.rglob("index.html"))


def article(path):
    text = path.read_text()
    return text[text.find("<article"):]


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(SITE).parent))
def test_no_formula_is_left_for_the_browser(path):
    body = re.sub(r"<(pre|code|script|style)\b.*?</\1>", "", article(path), flags=re.S)
    text = re.sub(r"<[^>]*>", "", body)
    assert not re.findall(r"\\\(|\\\[", text)                 # arithmatex's delimiters
    assert not re.findall(r"\$[^\s$][^$]{0,80}?\$", text)      # a notebook's $…$
    for m in re.finditer(r'<(span|div) class="arithmatex">(.{0,40})', body):
        assert m[2].startswith('<span class="katex'), m.group(0)
    assert "katex.min.js" not in path.read_text() and "auto-render" not in path.read_text()


def test_the_lessons_and_the_lab_have_typeset_math():
    for name in ("momentum", "adaptive", "ravine", "lab"):
        html = article(SITE / "optimizers" / name / "index.html")
        assert html.count('class="katex"') > 10, name
        assert "<math" in html  # MathML for screen readers, beside the visual HTML


def test_a_formula_katex_cannot_read_fails_the_build(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Page\n\nFine: $x^2$. Broken: $\\frac{a}{$.\n")
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        f"site_name: t\ndocs_dir: {docs}\nsite_dir: {tmp_path / 'site'}\n"
        "markdown_extensions:\n  - pymdownx.arithmatex:\n      generic: true\n"
        f"hooks:\n  - {ROOT / 'scripts' / 'katex_hook.py'}\n")
    result = mkdocs_build(config)
    assert result.returncode != 0
    assert "index.md: cannot typeset '\\\\frac{a}{'" in result.stderr, result.stderr[-800:]
