"""Every in-page link of the built site lands: a `#fragment` (the table of contents, a
heading's own anchor, a cross-reference within the page) names an element of that page.
The lab's table of contents is made by mkdocs-jupyter, whose anchors once dropped a
heading's code (`lesson_code`) and pointed nowhere."""

import html
import re

import pytest
from paths import SITE

PAGES = sorted(SITE.rglob("index.html"))
ID = re.compile(r'\bid="([^"]+)"')
FRAGMENT = re.compile(r'\bhref="#([^"]+)"')


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.parent.relative_to(SITE)) or "home")
def test_every_fragment_link_names_an_element_of_its_page(path):
    text = path.read_text()
    ids = {html.unescape(i) for i in ID.findall(text)}
    missing = sorted({html.unescape(f) for f in FRAGMENT.findall(text)} - ids)
    assert not missing, f"{path.relative_to(SITE)}: links to #{missing}"


def test_the_pages_are_found():
    assert len(PAGES) >= 8 and any("lab" in p.parts for p in PAGES)
