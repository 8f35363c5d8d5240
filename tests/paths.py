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
