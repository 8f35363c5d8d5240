"""What the build writes for the navigator to use while Python starts is lesson_code's own.

A page fetches its landscape's contour grid (navigator.js #grid) and its declared race
(#race) from the site while Python is still starting. Each file must be exactly what the
worker's op answers for the request the page would send: the requests are made here from
what the build wrote into the built pages (their data-navigator), as navigator.js makes
them, not by the code that wrote the files.
"""

import json

from lesson_code import LANDSCAPES
from lesson_code.browser import handle
from navigator_pages import navigators, race_request
from paths import SITE


def page_contract():
    found = navigators("optimizers/momentum")
    assert found, "the Momentum page has no navigator"
    return found[0]["contract"]


def test_each_navigator_has_its_declared_race_as_the_worker_would_compute_it():
    pages = sorted(p.parent.relative_to(SITE).as_posix() for p in SITE.rglob("index.html")
                   if "data-navigator=" in p.read_text())
    assert len(pages) >= 5, pages  # the lessons, the playground and the harness
    for page in pages:
        for declared in navigators(page):
            reply = json.loads(handle(json.dumps({"op": "race", "args": race_request(declared)})))
            assert reply["ok"], (page, declared["id"], reply)
            file = (SITE / page / declared["race"]).resolve()
            assert json.loads(file.read_text()) == reply["result"], (page, declared["id"])


def test_every_landscape_has_the_grid_the_worker_would_compute():
    contour = page_contract()["contour"]
    folder = SITE / contour["dir"]
    assert sorted(p.stem for p in folder.glob("*.json")) == sorted(LANDSCAPES)
    for name in LANDSCAPES:
        args = {"landscape": name, "nx": contour["nx"], "ny": contour["ny"],
                "levels": contour["levels"], "packed": True}
        reply = json.loads(handle(json.dumps({"op": "contour", "args": args})))
        assert reply["ok"], reply
        assert json.loads((folder / f"{name}.json").read_text()) == reply["result"], name


def test_the_grid_is_the_size_the_page_checks():
    contour = page_contract()["contour"]
    grid = json.loads((SITE / contour["dir"] / "ravine.json").read_text())
    assert (grid["nx"], grid["ny"]) == (contour["nx"], contour["ny"])
    assert len(grid["xs"]) == contour["nx"] and len(grid["ys"]) == contour["ny"]
    assert len(grid["levels"]) >= 2


def test_each_navigator_picture_has_a_dark_twin_that_is_dark():
    """The race as built is drawn for each theme (navigator_hook.picture): the <source> for a
    dark system and the img's data-dark name one file, a darker picture of the same size."""
    import re

    from PIL import Image, ImageStat
    pictures = []
    for html in SITE.rglob("index.html"):
        for block in re.findall(r'<picture class="navigator-static-picture">.*?</picture>', html.read_text()):
            source = re.search(r'<source srcset="([^"]+)" media="\(scripting: enabled\) and '
                               r'\(prefers-color-scheme: dark\)"', block)
            light, dark = (re.search(rf' data-{name}="([^"]+)"', block)[1] for name in ("light", "dark"))
            assert source and source[1] == dark and f'src="{light}"' in block, (html, block[:300])
            pictures.append(((html.parent / light).resolve(), (html.parent / dark).resolve()))
    assert len(pictures) >= 6, pictures
    for light, dark in pictures:
        light_img, dark_img = Image.open(light), Image.open(dark)
        assert light_img.size == dark_img.size == (880, 550), (light, dark)
        # the whole picture as it sits on its page (the dark one is transparent around the
        # plot, on Material's slate): pale on the light page, deep on the dark one
        shade = []
        for img, page in ((light_img, (255, 255, 255)), (dark_img, (30, 33, 41))):
            seen = Image.alpha_composite(Image.new("RGBA", img.size, page + (255,)), img.convert("RGBA"))
            shade.append(ImageStat.Stat(seen.convert("L")).mean[0])
        assert shade[0] > 180 and shade[1] < 90, (light.name, shade)
