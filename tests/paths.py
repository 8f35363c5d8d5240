"""Where things are, for every test module."""

import importlib.util
import os
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
BUILD = ROOT / os.environ.get("RAVINE_BUILD", "build")
SITE = BUILD / "site"
DOCS = ROOT / "docs"


def load_figures(stem):
    """scripts/figures/<stem>.py, loaded by path as render_figures.py loads it."""
    spec = importlib.util.spec_from_file_location(f"figures_{stem}",
                                                  ROOT / "scripts" / "figures" / f"{stem}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def course_pages():
    """The course's pages in the order of mkdocs.yml's nav, as paths under the site
    ("", "optimizers/", "optimizers/ravine/", ...): the order of Material's previous and
    next links, and of the lesson lists on the front pages. A new lesson is in it once it
    is in the nav."""
    import re

    import yaml
    block = re.search(r"^nav:\n(?:[ \t]+.*\n?)+", (ROOT / "mkdocs.yml").read_text(), re.M)[0]

    def files(entry):
        if isinstance(entry, str):
            return [entry]
        if isinstance(entry, list):
            return [f for item in entry for f in files(item)]
        return [f for value in entry.values() for f in files(value)]

    return [re.sub(r"(^|/)index/$", r"\1", re.sub(r"\.(md|py)$", "/", f))
            for f in files(yaml.safe_load(block)["nav"])]
