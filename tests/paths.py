"""Where things are, for every test module."""

import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
SITE = ROOT / "build" / "site"
DOCS = ROOT / "docs"
