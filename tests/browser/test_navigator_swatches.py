"""The legend and the scoreboard show each run as the map draws it: its colour in the reader's
theme, its dash and its marker (issue 16 made them inline SVG, so a navigator going live
no longer draws and encodes a picture per run).

A race of eight runs on the harness page uses every style lesson_code's registry has: the
five optimizers' own and, for a repeated optimizer, the three extra styles. Each swatch
is checked against the contract the page was built with, in the light and the dark theme,
and its marker's pixels against the same marker drawn by the map's own drawing code.
"""

import json

import pytest
from harness import wait_navigator_live

# Every run of the race: momentum four times, so the extra styles (plus, star, ring) are used.
RUNS = [{"name": "sgd"}, {"name": "momentum", "beta": 0.5}, {"name": "momentum", "beta": 0.7},
        {"name": "momentum", "beta": 0.8}, {"name": "momentum", "beta": 0.9},
        {"name": "nesterov", "beta": 0.9}, {"name": "rmsprop"}, {"name": "adam"}]

SET_RACE = """(detail) => new Promise((resolve) => {
  const nav = document.getElementById("everyone");
  nav.addEventListener("navigator:result", () => resolve(), { once: true });
  nav.dispatchEvent(new CustomEvent("navigator:set", { detail }));
})"""

# What each legend item's swatch says: the line's colour and dash, the marker's paths.
SWATCHES = """nav => [...nav.querySelectorAll(".navigator-legend li")].map((li) => {
  const svg = li.querySelector("svg.navigator-swatch");
  if (!svg) return null;
  const [line, ...marker] = svg.querySelectorAll("path");
  return { label: li.textContent, hidden: svg.getAttribute("aria-hidden"), color: line.getAttribute("stroke"),
    dash: (line.getAttribute("stroke-dasharray") || "").split(" ").filter(Boolean).map(Number),
    marker: marker.map((p) => [p.getAttribute("d"), p.getAttribute("fill"), p.getAttribute("stroke")]) };
})"""

# The swatch's marker as pixels, beside the map's marker() drawn the same size on a canvas:
# the share of pixels that differ by more than a little (anti-aliasing aside).
COMPARE = """async ([index, style, theme]) => {
  const draw = await import(new URL("assets/js/navigator-draw.js", document.baseURI.replace(/dev\\/navigator\\/.*$/, "")));
  const svg = document.querySelectorAll("#everyone .navigator-legend svg.navigator-swatch")[index];
  const clone = svg.cloneNode(true);
  clone.querySelector("path").remove(); // the marker alone
  const scale = 4, w = 36 * scale, h = 14 * scale;
  clone.setAttribute("width", w);
  clone.setAttribute("height", h);
  const img = new Image();
  img.src = "data:image/svg+xml," + encodeURIComponent(new XMLSerializer().serializeToString(clone));
  await img.decode();
  const a = new OffscreenCanvas(w, h).getContext("2d");
  a.drawImage(img, 0, 0);
  const b = new OffscreenCanvas(w, h).getContext("2d");
  b.scale(scale, scale);
  draw.marker(b, style.marker, 18, 7, 4, style[theme], draw.THEMES[theme].halo);
  const pa = a.getImageData(0, 0, w, h).data, pb = b.getImageData(0, 0, w, h).data;
  let differ = 0, inked = 0;
  for (let i = 0; i < pa.length; i += 4) {
    if (pa[i + 3] > 128 || pb[i + 3] > 128) inked++;
    if (Math.max(...[0, 1, 2, 3].map((k) => Math.abs(pa[i + k] - pb[i + k]))) > 96) differ++;
  }
  return { differ, inked };
}"""


def contract(nav):
    data = json.loads(nav.get_attribute("data-navigator"))["contract"]
    return {o["name"]: o["style"] for o in data["optimizers"]}, data["extra_styles"]


@pytest.mark.browser
def test_each_swatch_shows_its_runs_colour_dash_and_marker_in_both_themes(page, site_root):
    page.goto(site_root + "dev/navigator/")
    nav = wait_navigator_live(page, "#everyone")
    styles, extra = contract(nav)
    page.evaluate(SET_RACE, {"runs": RUNS})
    expected = [styles["sgd"], styles["momentum"], *extra, styles["nesterov"], styles["rmsprop"], styles["adam"]]
    assert len({style["marker"] for style in expected}) == 8, "the race does not use every marker"

    for theme, scheme in [("light", "default"), ("dark", "slate")]:
        page.evaluate("s => document.body.setAttribute('data-md-color-scheme', s)", scheme)
        page.wait_for_function("([c, t]) => document.querySelector('#everyone .navigator-legend path')"
                               "?.getAttribute('stroke') === c", arg=[expected[0][theme], theme])
        swatches = nav.evaluate(SWATCHES)
        assert len(swatches) == len(RUNS)
        for swatch, style in zip(swatches, expected):
            assert swatch is not None, "a legend item has no swatch"
            assert swatch["hidden"] == "true", "a swatch is read aloud beside its label"
            assert swatch["color"] == style[theme], (swatch["label"], theme)
            assert swatch["dash"] == style["dash"], swatch["label"]
            assert swatch["marker"] and all(d for d, _, _ in swatch["marker"]), swatch["label"]
            assert style[theme] in {c for _, fill, stroke in swatch["marker"] for c in (fill, stroke)}, \
                f"{swatch['label']}'s marker is not in its colour"
        for index, style in enumerate(expected):
            pixels = page.evaluate(COMPARE, [index, style, theme])
            assert pixels["inked"] > 40 and pixels["differ"] <= pixels["inked"] // 10, \
                (style["marker"], theme, pixels)
        scoreboard = nav.locator(".navigator-scoreboard li svg.navigator-swatch path:first-child")
        assert [scoreboard.nth(i).get_attribute("stroke") for i in range(len(RUNS))] == \
            [style[theme] for style in expected], "the scoreboard's swatches differ from the legend's"
