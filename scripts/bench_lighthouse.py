"""Lighthouse 12 (mobile preset) on every page of the built site (a script, not a test).

Usage: .venv/bin/python scripts/bench_lighthouse.py [--runs 3] [--page optimizers/ ...]
                                                  [--site DIR ...]

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

--site DIR, repeated, compares builds (a copy of the last one, a variant) in one run:
each run of a page goes to every site in turn, so the machine's load falls on them alike,
and a table is printed per site. The pages are the first site's.

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


def table(site, prefix, runs, rows, failing):
    """Prints one site's table of medians and the audits that cost it points."""
    print(f"Lighthouse {LIGHTHOUSE.split('@')[1]}, mobile preset, {runs} run(s) per page "
          f"(medians), site {site} served gzipped under {prefix}")
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="runs per page (medians)")
    parser.add_argument("--page", action="append", help="only this page (e.g. optimizers/)")
    parser.add_argument("--site", action="append", type=pathlib.Path,
                        help="a built site to measure (repeat it to compare builds in one run)")
    parser.add_argument("--out", type=pathlib.Path, default=ROOT / "build" / "lighthouse")
    args = parser.parse_args()
    sites = args.site or [SITE]
    for site in sites:
        if not (site / "sitemap.xml").is_file():
            sys.exit(f"no built site at {site}: run `make site` first (this script builds nothing)")
    args.out.mkdir(parents=True, exist_ok=True)
    pages = args.page or site_pages(sites[0])
    served = []  # (site, prefix, server, root) for each site
    for site in sites:
        _, prefix = site_address(site)
        served.append((site, prefix, *serve(site, prefix)))
    with tempfile.TemporaryDirectory() as bare:
        (pathlib.Path(bare) / "index.html").write_text(BASELINE)
        bare_server, bare_root = serve(bare, served[0][1])
        # Each run of a page goes to every site in turn, so a spell of load on this shared
        # machine falls on the builds alike; the baseline is measured the same way.
        targets = [("(baseline: a bare page)", [bare_root] * len(sites))]
        targets += [(page or "(home)", [root + page for *_, root in served]) for page in pages]
        runs = [{} for _ in sites]
        failing = [{} for _ in sites]
        for name, urls in targets:
            slug = re.sub(r"\W+", "-", name).strip("-") or "home"
            for n in range(args.runs):
                for i, url in enumerate(urls):
                    print(f"lighthouse {url} (run {n + 1}/{args.runs})", file=sys.stderr)
                    out = args.out / (f"{slug}-{n + 1}.json" if len(sites) == 1
                                      else f"site{i + 1}-{slug}-{n + 1}.json")
                    row, fails = figures(lighthouse(url, out))
                    runs[i].setdefault(name, []).append(row)
                    failing[i].setdefault(name, set()).update(fails)
        bare_server.shutdown()
    for _, _, server, _ in served:
        server.shutdown()

    for i, (site, prefix, *_) in enumerate(served):
        rows = {name: {key: statistics.median(run[key] for run in page_runs) for key in page_runs[0]}
                for name, page_runs in runs[i].items()}
        if i:
            print()
        table(site, prefix, args.runs, rows, failing[i])


if __name__ == "__main__":
    main()
