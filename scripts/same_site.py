"""Check that a site built for publishing is the site the tests ran on, but for its address.

Usage: python scripts/same_site.py TESTED_DIR PUBLISHED_DIR --tested URL --published URL

The tests serve the site where its site_url says (a local port), so the site published on
GitHub Pages is built again for its own address. This compares the two builds file by
file: the same files, and in each the same bytes once every occurrence of the tested
site_url (and of its origin) is written as the published one; gzip files are compared
unpacked. Exits 1 and lists the differences otherwise.

One thing differs from build to build and is not compared: the ids nbformat gives the
lab's notebook cells (random at every conversion of docs/optimizers/lab.py). Nor is the
first line of sw.js, the service worker's list of every file with its sha256 and a key
made from them (scripts/sw_hook.py): the hashes change with the address written in the
pages, and the files they describe are compared themselves.
"""

import argparse
import gzip
import pathlib
import re
import sys
import urllib.parse


def files(root):
    return {p.relative_to(root).as_posix() for p in pathlib.Path(root).rglob("*") if p.is_file()}


# a notebook cell's random id, in the .ipynb and in the page mkdocs-jupyter renders
CELL_ID = re.compile(rb'(?<="id": ")[0-9a-f]{8}(?=")|(?<=id="cell-id=)[0-9a-f]{8}(?=")')


# the service worker's manifest: the first line of sw.js at the site's root
WORKER_MANIFEST = re.compile(rb"\Aconst BUILD = [^\n]*;\n")


def content(path, name=""):
    data = path.read_bytes()
    if name == "sw.js":
        data = WORKER_MANIFEST.sub(b"const BUILD = ...;\n", data, count=1)
    data = gzip.decompress(data) if path.suffix == ".gz" else data
    return CELL_ID.sub(b"cell", data) if path.suffix in (".ipynb", ".html") else data


def differences(tested, published, tested_url, published_url):
    """What differs between the builds, beyond the site's address (a list of sentences)."""
    tested, published = pathlib.Path(tested), pathlib.Path(published)
    origin = lambda url: "{0.scheme}://{0.netloc}".format(urllib.parse.urlsplit(url))
    swaps = [(tested_url.encode(), published_url.encode()),
             (origin(tested_url).encode(), origin(published_url).encode())]
    found = [f"only in the tested site: {name}"
             for name in sorted(files(tested) - files(published))]
    found += [f"only in the published site: {name}"
              for name in sorted(files(published) - files(tested))]
    for name in sorted(files(tested) & files(published)):
        before, after = content(tested / name, name), content(published / name, name)
        for old, new in swaps:
            before = before.replace(old, new)
        if before != after:
            found.append(f"differs: {name}")
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tested")
    parser.add_argument("published")
    parser.add_argument("--tested-url", "--tested", required=True)
    parser.add_argument("--published-url", "--published", required=True)
    args = parser.parse_args()
    found = differences(args.tested, args.published, args.tested_url, args.published_url)
    for line in found:
        print(line)
    if found:
        print(f"{args.published} is not the tested site: {len(found)} differences")
        return 1
    print(f"{args.published} is the tested site, for {args.published_url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
