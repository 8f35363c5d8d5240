"""The ```ratemap fence: checked at build time, every error at its page and line."""

import json
import re
from html import unescape
from types import SimpleNamespace

import pytest
from mkdocs.exceptions import PluginError

from lesson_code.browser import MAX_MAP_CELLS
from scripts import ratemap_hook as hook

NAVIGATOR = "```navigator\nid: walkthrough\nlandscape: ravine\nlr: 0.18\n```\n"
FIGURE = "![A map of the rate, in words](../figures/momentum-rate-map.svg)\n"


def fence(**fields):
    body = "".join(f"{key}: {json.dumps(value)}\n" for key, value in fields.items())
    return f"```ratemap\n{body}```\n"


def build(tmp_path, markdown, front="---\ntitle: T\n---\n"):
    """The hook's Markdown and HTML steps on one page (Markdown rendered by hand: the
    slot paragraph and the figure paragraph, as Python-Markdown writes them)."""
    source = tmp_path / "page.md"
    source.write_text(front + markdown)
    page = SimpleNamespace(file=SimpleNamespace(src_uri="optimizers/page.md",
                                                abs_src_path=str(source)))
    maps = hook.RateMaps()
    text = maps.markdown(markdown, page)
    html = "\n".join(f"<p>{p.strip()}</p>" if p.strip().startswith(("RAVINE", "<img")) else p
                     for p in re.sub(r"!\[([^\]]*)\]\(([^)]*)\)", r'<img alt="\1" src="\2" />',
                                     text).split("\n\n"))
    return maps.content(html, page)


def test_a_fence_and_its_figure_become_the_widget(tmp_path):
    html = build(tmp_path, NAVIGATOR + "\n" + fence(id="rate-map", navigator="walkthrough")
                 + "\n" + FIGURE)
    widget = re.search(r'<div class="ravine-ratemap" id="rate-map" data-ravine-ratemap="([^"]*)">'
                       r'.*?<img alt="A map of the rate, in words"', html, re.S)
    assert widget, html
    data = json.loads(unescape(widget[1]))
    assert data == {"id": "rate-map", "navigator": "walkthrough",
                    "optimizers": ["sgd", "momentum"],
                    "request": {"landscape": "ravine", "lr": [0.005, 0.4], "beta": [0.0, 0.99],
                                "nx": 80, "ny": 100}}
    assert "RAVINE-RATEMAP" not in html and "Loading Python" in html


def test_a_figure_right_under_the_fence_needs_no_blank_line(tmp_path):
    html = build(tmp_path, NAVIGATOR + "\n" + fence(id="m", navigator="walkthrough") + FIGURE)
    assert 'class="ravine-ratemap"' in html


BAD = [
    (dict(id="m", navigator="walkthrough", colour="red"), "unknown keys ['colour']"),
    (dict(id="Map 1", navigator="walkthrough"), "id must be lowercase"),
    (dict(id="m", navigator="elsewhere"), "no navigator 'elsewhere' on this page"),
    (dict(id="walkthrough", navigator="walkthrough"), "must differ"),
    (dict(id="m", navigator="walkthrough", optimizers=["sgd"]), "optimizers must be"),
    (dict(id="m", navigator="walkthrough", optimizers=["momentum", "adam"]), "optimizers must be"),
    (dict(id="m", navigator="walkthrough", lr=0.4), "lr must be two numbers"),
    (dict(id="m", navigator="walkthrough", beta=[0, 1]),
     "lesson_code refuses this map: beta must be at least 0 and below 1"),
    (dict(id="m", navigator="walkthrough", size=[400, 400]),
     f"at most {MAX_MAP_CELLS:,} cells"),
    (dict(id="m", navigator="walkthrough", landscape="rosenbrock"), "curvatures are all positive"),
    (dict(id="m", navigator="walkthrough", lr=[0.0025, 0.4], size=[160, 100]),
     "over 160 columns gives 0.1025, which does not show exactly in three significant"),
]


@pytest.mark.parametrize("fields, words", BAD, ids=[b[1][:30] for b in BAD])
def test_a_bad_fence_fails_the_build_at_its_page_and_line(tmp_path, fields, words):
    markdown = NAVIGATOR + "\nSome prose.\n\n" + fence(**fields) + "\n" + FIGURE
    with pytest.raises(PluginError) as raised:
        build(tmp_path, markdown)
    # three lines of front matter, then the fence on line 9 of the Markdown: line 12
    assert str(raised.value).startswith("optimizers/page.md:12: ratemap fence: "), raised.value
    assert words in str(raised.value)


def test_a_fence_without_its_figure_fails_at_its_line(tmp_path):
    with pytest.raises(PluginError) as raised:
        build(tmp_path, NAVIGATOR + "\n" + fence(id="m", navigator="walkthrough")
              + "\nProse, not a figure.\n")
    assert str(raised.value).startswith("optimizers/page.md:10: ratemap fence: put its "
                                        "stand-in figure")


def test_bad_yaml_and_a_repeated_id_are_located_too(tmp_path):
    with pytest.raises(PluginError, match=r"^optimizers/page.md:10: ratemap fence: bad YAML"):
        build(tmp_path, NAVIGATOR + "\n```ratemap\nid: [unclosed\n```\n\n" + FIGURE)
    twice = fence(id="m", navigator="walkthrough") + "\n" + FIGURE + "\n"
    with pytest.raises(PluginError, match=r"^optimizers/page.md:17: .*'m' is used twice"):
        build(tmp_path, NAVIGATOR + "\n" + twice + twice)


def test_a_ratemap_shown_inside_another_fence_is_left_alone(tmp_path):
    example = "````markdown\n" + fence(id="m", navigator="nowhere") + "````\n"
    markdown = NAVIGATOR + "\n" + example
    assert build(tmp_path, markdown).count("```ratemap") == 1
