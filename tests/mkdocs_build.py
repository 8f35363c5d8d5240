"""`mkdocs build` on a configuration a test wrote, as `make site` runs it."""

import os
import subprocess
import sys

from paths import ROOT


def mkdocs_build(config, site_dir=None, strict=True, cwd=ROOT, env=None, merged=False,
                 timeout=None):
    """The finished process (text output). strict: `--strict`, as the site is built;
    site_dir: `-d`; env: variables on top of this one's; merged: stderr into stdout, in
    the order written."""
    command = [sys.executable, "-m", "mkdocs", "build", *(["--strict"] if strict else []),
               "-f", str(config), *(["-d", str(site_dir)] if site_dir else [])]
    return subprocess.run(command, cwd=cwd, text=True, timeout=timeout,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
                          stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT if merged else subprocess.PIPE)
