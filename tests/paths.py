"""Where things are, for every test module."""

import os
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
BUILD = ROOT / os.environ.get("RAVINE_BUILD", "build")
SITE = BUILD / "site"
DOCS = ROOT / "docs"
