"""scripts/mathml_only_site.py (a benchmark's variant of the built site) removes KaTeX's
HTML layer and nothing else: every formula keeps its MathML, the text around it is
untouched, and the copy shows the MathML."""

import re

import pytest
from paths import SITE

from scripts.mathml_only_site import HTML_LAYER, mathml_only_page, without_html_layer, write_copy

MOMENTUM = SITE / "optimizers" / "momentum" / "index.html"
FORMULA = re.compile(r'<span class="katex">.*?</math></span>', re.S)  # up to its MathML


def test_a_formula_keeps_its_mathml_and_loses_its_html_layer():
    html = MOMENTUM.read_text()
    out = mathml_only_page(html)
    assert HTML_LAYER in html and "katex-html" not in out
    formulas = html.count('<span class="katex">')
    assert formulas > 100
    assert out.count('<span class="katex">') == formulas
    assert FORMULA.findall(out) == FORMULA.findall(html)  # each MathML, in order, whole
    assert re.findall(r"<math\b", out) == re.findall(r"<math\b", html)
    assert "KaTeX_Main-Regular.woff2" in html and "KaTeX_" not in out.split("</head>")[0]
    # Outside the formulas the page is the same, letter for letter.
    assert _without_formulas(out) == _without_formulas(without_html_layer(html))
    assert out.count("<span") == out.count("</span>")


def _without_formulas(html):
    return re.sub(r'<link rel="preload"[^>]*>', "", FORMULA.sub("", html))


def test_the_layer_is_removed_with_all_its_nested_spans():
    html = ('<p>a <span class="katex"><span class="katex-mathml"><math><mi>x</mi></math></span>'
            + HTML_LAYER + '<span class="base"><span class="strut"></span><span>x</span></span>'
            + '</span></span> b</p>')
    assert without_html_layer(html) == (
        '<p>a <span class="katex"><span class="katex-mathml"><math><mi>x</mi></math></span>'
        '</span> b</p>')
    with pytest.raises(ValueError, match="unclosed"):
        without_html_layer("<p>" + HTML_LAYER + "<span>x</span>")


def test_the_copy_shows_the_mathml_and_leaves_the_site_alone(tmp_path):
    site = tmp_path / "site"
    (site / "assets" / "css").mkdir(parents=True)
    (site / "lesson").mkdir()
    (site / "assets" / "css" / "ravine.css").write_text("p { margin: 0; }\n")
    page = ('<html><head></head><body><span class="katex"><span class="katex-mathml">'
            '<math><mi>v</mi></math></span>' + HTML_LAYER + '<span>v</span></span></span>'
            '</body></html>')
    (site / "lesson" / "index.html").write_text(page)
    (site / "index.html").write_text("<p>no math</p>")
    out = tmp_path / "out"
    assert write_copy(site, out) == [out.joinpath("lesson", "index.html").relative_to(out)]
    assert "katex-html" not in (out / "lesson" / "index.html").read_text()
    assert (out / "index.html").read_text() == "<p>no math</p>"
    css = (out / "assets" / "css" / "ravine.css").read_text()
    assert css.startswith("p { margin: 0; }") and "clip-path: none" in css
    assert (site / "lesson" / "index.html").read_text() == page  # the source is untouched
