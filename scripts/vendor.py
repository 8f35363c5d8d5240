"""Vendor the site's browser runtime into build/assets/vendor/, checked against the npm lock.

Usage: python scripts/vendor.py [--wheel build/dist/lesson_code-*.whl]

Nothing the site needs is fetched from a CDN. For each npm package listed in PACKAGES this
script takes the package tarball (`npm pack`, served from npm's cache after `npm ci`),
checks its sha512 against the `integrity` that package-lock.json pins, and extracts only the
files the site uses. It then registers the lesson_code wheel in a trimmed copy of Pyodide's
pyodide-lock.json (real sha256, every entry whose wheel we do not ship dropped), so the page
loads it with `loadPyodide({packages: ["lesson-code"]})` and integrity checking, and
writes sizes.json (the big files' sizes, for the page's download progress).
"""

import argparse
import base64
import fnmatch
import hashlib
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
VENDOR = ROOT / os.environ.get("RAVINE_BUILD", "build") / "assets" / "vendor"
LOCK = ROOT / "package-lock.json"

# npm package -> (destination under vendor/, glob patterns of files inside "package/").
PACKAGES = {
    "pyodide": ("pyodide", ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm",
                            "python_stdlib.zip"]),
    # formulas are typeset when the site builds (scripts/katex_hook.py): only the CSS
    # and fonts reach the page
    "katex": ("katex", ["dist/katex.min.css", "dist/fonts/*.woff2"]),
    "@codemirror/state": ("codemirror/state", ["dist/index.js"]),
    "@codemirror/view": ("codemirror/view", ["dist/index.js"]),
    "@codemirror/language": ("codemirror/language", ["dist/index.js"]),
    "@codemirror/commands": ("codemirror/commands", ["dist/index.js"]),
    "@codemirror/autocomplete": ("codemirror/autocomplete", ["dist/index.js"]),
    "@codemirror/lang-python": ("codemirror/lang-python", ["dist/index.js"]),
    "@codemirror/streamparser": ("codemirror/streamparser", ["dist/index.js"]),
    "@lezer/common": ("codemirror/lezer-common", ["dist/index.js"]),
    "@lezer/highlight": ("codemirror/lezer-highlight", ["dist/index.js"]),
    "@lezer/lr": ("codemirror/lezer-lr", ["dist/index.js"]),
    "@lezer/python": ("codemirror/lezer-python", ["dist/index.js"]),
    "@marijn/find-cluster-break": ("codemirror/find-cluster-break", ["src/index.js"]),
    "style-mod": ("codemirror/style-mod", ["src/style-mod.js"]),
    "w3c-keyname": ("codemirror/w3c-keyname", ["index.js"]),
    "crelt": ("codemirror/crelt", ["index.js"]),
}
STRIP = ("dist/", "src/")  # leading folders dropped in the vendored copy
SIZED = ["pyodide.asm.wasm", "python_stdlib.zip"]  # the big downloads, in sizes.json


def locked(name):
    """The (version, integrity) that package-lock.json pins for an npm package."""
    entry = json.loads(LOCK.read_text())["packages"].get(f"node_modules/{name}")
    if not entry:
        sys.exit(f"vendor: {name} is not in package-lock.json; run `npm install {name}`")
    return entry["version"], entry["integrity"]


def npm_tarball(name, version, workdir):
    """Path of the package tarball, from npm's cache (or the registry on a cold cache)."""
    out = subprocess.run(
        ["npm", "pack", f"{name}@{version}", "--prefer-offline", "--silent",
         "--pack-destination", str(workdir)],
        check=True, capture_output=True, text=True, cwd=workdir).stdout.split()
    return workdir / out[-1]


def check_integrity(path, integrity):
    algo, _, expected = integrity.partition("-")
    digest = base64.b64encode(hashlib.new(algo, path.read_bytes()).digest()).decode()
    if digest != expected:
        sys.exit(f"vendor: {path.name} does not match package-lock.json ({integrity})")


def extract(tarball, patterns, dest):
    """Copy the members matching patterns into dest; return the relative paths written."""
    written, matched = [], set()
    with tarfile.open(tarball) as tar:
        for member in tar.getmembers():
            rel = member.name.removeprefix("package/")
            hits = [p for p in patterns if fnmatch.fnmatch(rel, p)]
            if not member.isfile() or not hits:
                continue
            matched.update(hits)
            for prefix in STRIP:
                rel = rel.removeprefix(prefix)
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(tar.extractfile(member).read())
            written.append(rel)
    if missing := [p for p in patterns if p not in matched]:
        sys.exit(f"vendor: {tarball.name} has no file matching {missing}")
    return written


def wheel_entry(wheel):
    """A pyodide-lock.json entry for a pure-Python wheel we ship beside the runtime."""
    with zipfile.ZipFile(wheel) as zf:
        meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        fields = dict(line.split(": ", 1) for line in zf.read(meta).decode().splitlines()
                      if ": " in line and not line.startswith(" "))
        imports = sorted({n.split("/")[0] for n in zf.namelist()
                          if n.endswith("/__init__.py") and n.count("/") == 1})
    name = fields["Name"].lower().replace("_", "-")
    return name, {
        "name": name, "version": fields["Version"], "file_name": wheel.name,
        "install_dir": "site", "sha256": hashlib.sha256(wheel.read_bytes()).hexdigest(),
        "package_type": "package", "imports": imports, "depends": [],
        "unvendored_tests": False,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=pathlib.Path, required=True,
                        help="the lesson_code wheel built by `python -m build`")
    args = parser.parse_args()

    shutil.rmtree(VENDOR, ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        for name, (dest, patterns) in PACKAGES.items():
            version, integrity = locked(name)
            tarball = npm_tarball(name, version, tmp)
            check_integrity(tarball, integrity)
            files = extract(tarball, patterns, VENDOR / dest)
            if name == "pyodide":
                with tarfile.open(tarball) as tar:
                    pyodide_lock = json.load(tar.extractfile("package/pyodide-lock.json"))
            print(f"vendor: {name}@{version} integrity ok, {len(files)} files -> vendor/{dest}")

    # Ship our wheel beside the runtime and list only what is shipped in the lock.
    wheel = args.wheel.resolve()
    shutil.copy2(wheel, VENDOR / "pyodide" / wheel.name)
    key, entry = wheel_entry(wheel)
    pyodide_lock["packages"] = {key: entry}
    (VENDOR / "pyodide" / "pyodide-lock.json").write_text(json.dumps(pyodide_lock, indent=1))
    print(f"vendor: {wheel.name} registered in pyodide-lock.json (sha256 {entry['sha256'][:12]}…)")
    # The worker's download progress counts bytes against these: a server that gzips
    # (GitHub Pages) sends no content-length of the bytes the page receives.
    sizes = {name: (VENDOR / "pyodide" / name).stat().st_size for name in SIZED}
    (VENDOR / "pyodide" / "sizes.json").write_text(json.dumps(sizes, indent=1))


if __name__ == "__main__":
    main()
