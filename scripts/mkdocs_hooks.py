"""MkDocs hooks for Ravine (listed under `hooks:` in mkdocs.yml; MkDocs runs them).

- Everything under build/assets/ (the vendored runtime, the lesson_code wheel, the static
  figures) joins the site at the same relative path, without being written into docs/.
"""

import os
import pathlib

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

ROOT = pathlib.Path(__file__).resolve().parent.parent
ASSETS = ROOT / os.environ.get("RAVINE_BUILD", "build") / "assets"
REQUIRED = ["vendor/pyodide/pyodide.mjs", "vendor/pyodide/pyodide-lock.json",
            "vendor/katex/katex.min.css"]


def on_files(files, config):
    missing = [name for name in REQUIRED if not (ASSETS / name).is_file()]
    if missing:
        raise PluginError(
            f"build/assets is missing {', '.join(missing)}: run `make site` "
            "(or `make vendor figures`) before `mkdocs build`.")
    for path in sorted(p for p in ASSETS.rglob("*") if p.is_file()):
        uri = path.relative_to(ASSETS).as_posix()
        files.append(File.generated(config, uri, abs_src_path=str(path)))
    return files
