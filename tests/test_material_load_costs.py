"""Two whole-page restyles Material's script caused on every page load, gone
(scripts/mkdocs_hooks.py): its palette stylesheet ships without the colour-switching rule,
and each page makes its stylesheet links absolute while its head is read, before Material's
instant navigation would (tests/browser/test_page_load.py watches that in Chromium)."""

import pathlib
import re

import material
import pytest
from mkdocs.exceptions import PluginError
from paths import SITE

from scripts.mkdocs_hooks import (ABSOLUTE_SHEETS, on_post_build, with_absolute_sheets,
                                  without_switching_rule)

THEME_SHEETS = pathlib.Path(material.__file__).parent / "templates" / "assets" / "stylesheets"


def palette_sheets(root):
    sheets = sorted(root.glob("palette.*.min.css"))
    assert sheets, f"no palette stylesheet under {root}"
    return sheets


def test_the_built_palette_sheet_is_materials_without_the_switching_rule():
    for theirs in palette_sheets(THEME_SHEETS):
        original = theirs.read_text(encoding="utf-8")
        shipped = (SITE / "assets" / "stylesheets" / theirs.name).read_text(encoding="utf-8")
        assert "[data-md-color-switching]" in original
        assert "data-md-color-switching" not in shipped
        # nothing else changed: the schemes' colours are all there
        assert shipped.count("[data-md-color-scheme=slate]") == original.count("[data-md-color-scheme=slate]") > 0
        assert len(original) - len(shipped) < 200, "more than the one rule went"


def test_only_rules_that_select_on_switching_go_even_inside_a_media_block():
    css = ("a{color:red}[data-md-color-switching] *,[data-md-color-switching] :after"
           "{transition-duration:0s!important}@media screen{[data-md-color-switching] *{x:y}"
           "[data-md-color-scheme=slate]{color-scheme:dark}}")
    trimmed, count = without_switching_rule(css)
    assert count == 2
    assert trimmed == "a{color:red}@media screen{[data-md-color-scheme=slate]{color-scheme:dark}}"


def test_a_material_without_the_rule_stops_the_build_with_a_message(tmp_path):
    sheets = tmp_path / "assets" / "stylesheets"
    sheets.mkdir(parents=True)
    (sheets / "palette.0000.min.css").write_text("[data-md-color-scheme=slate]{color-scheme:dark}")
    with pytest.raises(PluginError, match="no \\[data-md-color-switching\\] rule any more"):
        on_post_build({"site_dir": str(tmp_path)})


def test_every_page_makes_its_sheets_absolute_right_after_the_last_sheet_link():
    pages = sorted(SITE.rglob("*.html"))
    assert SITE / "404.html" in pages and SITE / "optimizers" / "momentum" / "index.html" in pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        head = html[:html.index("</head>")]
        links = [m.end() for m in re.finditer(r'<link\b[^>]*\brel="stylesheet"[^>]*>', head)]
        assert links, page
        assert head.count(ABSOLUTE_SHEETS) == 1 and head.index(ABSOLUTE_SHEETS) == links[-1], page


def test_a_page_without_stylesheets_is_left_as_it_is():
    html = '<html><head><script src="a.js"></script></head><body><link rel="stylesheet" href="x.css"></body></html>'
    assert with_absolute_sheets(html) == html
