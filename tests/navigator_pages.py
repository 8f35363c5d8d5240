"""The navigators of the built site, as the page reads them, for tests of what the build
wrote for them (tests/test_navigator_built.py, tests/browser/test_navigator_start.py)."""

import html
import json
import re

from paths import SITE


def navigators(page):
    """Each navigator's data-navigator on a built page (a path from the site's root)."""
    text = (SITE / page / "index.html").read_text()
    return [json.loads(html.unescape(found)) for found in re.findall(r'data-navigator="([^"]*)"', text)]


def race_request(declared):
    """navigator.js raceArgs(state, contract, packed=true) for a declared state."""
    takes_beta = {o["name"] for o in declared["contract"]["optimizers"] if o["beta"]}
    request = {"landscape": declared["landscape"], "start": declared["start"],
               "num_steps": declared["num_steps"], "packed": True,
               "optimizers": [{"name": name, "lr": declared["lr"],
                               **({"beta": declared["beta"]} if name in takes_beta else {})}
                              for name in declared["optimizers"]]}
    if declared["noise"]:
        request.update(noise=declared["noise"], seed=declared["seed"])
    if declared["schedule"] != "constant":
        request["schedule"] = declared["schedule"]
    return request
