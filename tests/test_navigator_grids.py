"""The contour grids the build writes for the navigator are lesson_code's own.

A page fetches its landscape's grid from the site while Python is still starting
(navigator.js #grid). The file must be exactly what the worker's contour op answers for
the arguments the page would send: those arguments are read from what the build wrote
into a built page (its data-navigator), not from the code that wrote the files.
"""

import html
import json
import re

from lesson_code import LANDSCAPES
from lesson_code.browser import handle
from paths import SITE


def page_contract():
    page = (SITE / "optimizers" / "momentum" / "index.html").read_text()
    found = re.search(r'data-navigator="([^"]*)"', page)
    assert found, "the Momentum page has no navigator"
    return json.loads(html.unescape(found.group(1)))["contract"]


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
