"""Lighthouse 12 (mobile preset) on every page of the built site (a script, not a test).

Usage: .venv/bin/python scripts/bench_lighthouse.py [--runs 3] [--page optimizers/ ...]

Builds nothing. Serves the already built site (build/site, or $RAVINE_SITE_DIR) with
scripts/serve.py, as GitHub Pages serves it (gzip, max-age=600), on a free port under the
sub-path of its site_url, and runs Lighthouse on every page of its sitemap.xml but the
widget harnesses under dev/ (outside the nav, no reader lands there): the front page, each
lesson, the lab notebook and the playground. Each run is a fresh Chromium (cold cache, a
first visit) with Lighthouse's default mobile preset (simulated slow 4G, 4x CPU slowdown).

Prints one table: performance, accessibility, best practices and SEO (0-100), LCP, TBT,
CLS and the DOM's element count, the median of the runs for each figure; then the audits
that cost accessibility, best-practices or SEO points, by page. A same-run baseline comes
first: a bare HTML page (a heading and a paragraph) served the same way, so the floor
that this machine's load puts under TBT and performance is in the same table.

Lighthouse: `npm exec lighthouse@12.2.3` (Lighthouse 13 needs Node 22; 12.2.3 is the 12.x
whose lock `npm ci` accepts here). It is fetched into npm's cache on first use and taken
from there after; it is not a dependency in package.json, so `npm ci` (make serve, make
test, CI) does not install its 111 MB and 133 packages for a benchmark few runs. Nothing
here is a test: no test needs Lighthouse or the network. JSON reports go to
build/lighthouse/ (or --out).
"""

import argparse
import json
import os
import pathlib
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import urllib.parse

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "browser")]
from scripts.serve import make_server, site_address  # noqa: E402
from harness import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

SITE = pathlib.Path(os.environ.get("RAVINE_SITE_DIR", ROOT / "build" / "site"))
LIGHTHOUSE = "lighthouse@12.2.3"
CATEGORIES = {"performance": "perf", "accessibility": "a11y",
              "best-practices": "best pr.", "seo": "SEO"}
BASELINE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Baseline</title><link rel="icon" href="data:,"><meta name="description" content="A bare page, the floor.">
</head><body><h1>Baseline</h1><p>A heading and a paragraph, served like the site.</p>
</body></html>
"""


def site_pages(site):
    """Paths (relative to the site's root) of every page in its sitemap but dev/."""
    _, prefix = site_address(site)
    locs = re.findall(r"<loc>([^<]+)</loc>", (site / "sitemap.xml").read_text())
    paths = [urllib.parse.urlsplit(loc).path[len(prefix):] for loc in locs]
    return [path for path in paths if not path.startswith("dev/")]


def serve(root, prefix):
    server = make_server(root, 0, prefix)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}{prefix}"


def lighthouse(url, out):
    """One Lighthouse run of url (mobile preset); its JSON report, also written to out."""
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    command = ["npm", "exec", "--yes", "--prefer-offline", "--", LIGHTHOUSE, url,
               "--output=json", f"--output-path={out}", "--quiet",
               f"--chrome-flags={flags}", "--disable-full-page-screenshot"]
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode or not out.is_file():
        sys.exit(f"Lighthouse failed on {url} ({shlex.join(command)}):\n{done.stderr[-2000:]}")
    report = json.loads(out.read_text())
    if report.get("runtimeError"):
        sys.exit(f"Lighthouse could not load {url}: {report['runtimeError']}")
    return report


def figures(report):
    """The table's figures of one report, and the audits that cost non-performance points."""
    audits = report["audits"]
    row = {short: round(100 * report["categories"][name]["score"])
           for name, short in CATEGORIES.items()}
    row["LCP s"] = audits["largest-contentful-paint"]["numericValue"] / 1000
    row["TBT ms"] = audits["total-blocking-time"]["numericValue"]
    row["CLS"] = audits["cumulative-layout-shift"]["numericValue"]
    row["DOM"] = audits["dom-size"].get("numericValue", 0)
    failing = sorted({
        f"{name}: {ref['id']} ({audits[ref['id']]['title']})"
        for name in CATEGORIES if name != "performance"
        for ref in report["categories"][name]["auditRefs"]
        if ref.get("weight") and audits[ref["id"]]["score"] is not None
        and audits[ref["id"]]["score"] < 1})
    return row, failing


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="runs per page (medians)")
    parser.add_argument("--page", action="append", help="only this page (e.g. optimizers/)")
    parser.add_argument("--out", type=pathlib.Path, default=ROOT / "build" / "lighthouse")
    args = parser.parse_args()
    if not (SITE / "sitemap.xml").is_file():
        sys.exit(f"no built site at {SITE}: run `make site` first (this script builds nothing)")
    args.out.mkdir(parents=True, exist_ok=True)
    _, prefix = site_address(SITE)
    server, root = serve(SITE, prefix)
    with tempfile.TemporaryDirectory() as bare:
        (pathlib.Path(bare) / "index.html").write_text(BASELINE)
        bare_server, bare_root = serve(bare, prefix)
        targets = [("(baseline: a bare page)", bare_root)]
        targets += [(page or "(home)", root + page) for page in args.page or site_pages(SITE)]
        rows, failing = {}, {}
        for name, url in targets:
            runs = []
            for n in range(args.runs):
                slug = re.sub(r"\W+", "-", name).strip("-") or "home"
                print(f"lighthouse {url} (run {n + 1}/{args.runs})", file=sys.stderr)
                row, fails = figures(lighthouse(url, args.out / f"{slug}-{n + 1}.json"))
                runs.append(row)
                failing.setdefault(name, set()).update(fails)
            rows[name] = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
        bare_server.shutdown()
    server.shutdown()

    print(f"Lighthouse {LIGHTHOUSE.split('@')[1]}, mobile preset, {args.runs} run(s) per page "
          f"(medians), site {SITE} served gzipped under {prefix}")
    columns = ["page", *CATEGORIES.values(), "LCP s", "TBT ms", "CLS", "DOM"]
    widths = [max(len(c), *(len(n) for n in rows)) if c == "page" else max(len(c), 6)
              for c in columns]
    cell = {"LCP s": "{:.1f}", "TBT ms": "{:.0f}", "CLS": "{:.3f}", "DOM": "{:.0f}"}
    print("| " + " | ".join(c.ljust(w) for c, w in zip(columns, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for name, row in rows.items():
        values = [name] + [cell.get(c, "{:.0f}").format(row[c]) for c in columns[1:]]
        print("| " + " | ".join(v.ljust(w) for v, w in zip(values, widths)) + " |")
    lost = {name: fails for name, fails in failing.items() if fails}
    print("\nAudits that cost accessibility, best-practices or SEO points:"
          + ("" if lost else " none"))
    for name, fails in lost.items():
        print(f"  {name}:\n" + "\n".join(f"    {fail}" for fail in sorted(fails)))


if __name__ == "__main__":
    main()
