"""scripts/figures_hook.py: a figure's <img> becomes a <picture> of its variants, each with
its own size, lazy; any other <img> is left as it was."""

import re

import pytest
from mkdocs.exceptions import PluginError

from scripts import figures_hook


def test_a_figure_becomes_a_picture_of_its_four_variants_with_their_sizes():
    html = figures_hook.with_figure_pictures(
        '<p><img alt="a &gt; b, as drawn" src="../../figures/momentum-zigzag.svg" /></p>')
    assert html.startswith('<p><picture><source media="(scripting: enabled) and (prefers-color-scheme: dark)'
                           ' and (max-width: 671px)"')
    assert html.endswith("</picture></p>")
    files = re.findall(r'(?:srcset|src)="../../figures/([^"]+)"', html)
    assert files == ["momentum-zigzag-narrow-dark.svg", "momentum-zigzag-dark.svg",
                     "momentum-zigzag-narrow.svg", "momentum-zigzag.svg"]
    sizes = [tuple(map(int, m)) for m in re.findall(r'width="(\d+)" height="(\d+)"', html)]
    for file, size in zip(files, sizes):
        svg = (figures_hook.FIGURES / file).read_text()[:2000]
        w, h = (float(v) for v in re.search(r'width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups())
        assert size == (round(w * 4 / 3), round(h * 4 / 3)), file
    assert sizes[0] != sizes[1], "the narrow variant has its own shape"
    assert 'alt="a &gt; b, as drawn"' in html and 'loading="lazy"' in html
    # the page's script reads the column width for the narrow file from the figure
    assert f'data-narrow-below="{figures_hook.NARROW_BELOW}"' in html


def test_other_images_are_left_alone():
    html = ('<img src="../assets/navigator/x.png" alt="x" width="880" height="550">'
            '<img alt="p" src="data:image/png;base64,AAAA">')
    assert figures_hook.with_figure_pictures(html) == html


@pytest.mark.parametrize("name", ["momentum-zigzag-narrow.svg", "momentum-zigzag-dark.svg", "no-such-figure.svg"])
def test_a_variant_or_a_missing_figure_fails_the_build(name):
    with pytest.raises(PluginError, match=name.removesuffix(".svg")):
        figures_hook.with_figure_pictures(f'<img alt="x" src="../figures/{name}" />')
