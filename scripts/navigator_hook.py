"""MkDocs hook: ```navigator fences become inert HTML the navigator mounts on.

Listed under `hooks:` in mkdocs.yml. A fence body is YAML (see /docs/dev/navigator.md):

    id: walkthrough          landscape: ravine        start: [-8, 2]
    lr: 0.18                 beta: 0.9                optimizers: [sgd, momentum]
    num_steps: 300           caption: ...             landscapes: [ravine, bowl, ...] or all
    full_width: false        noise: 0.5               seed: 0
    schedule: cosine         noise_and_schedule: true

`noise` (σ), `seed` and `schedule` (a name of lesson_code.SCHEDULES or {name: ..., param:
value}) are the race's gradient noise and learning-rate schedule; the controls "Gradient
noise", "New noise" and "Learning-rate schedule" show when `noise_and_schedule` is true,
which is the default when the fence sets noise or a schedule.

It renders as a <div class="ravine-navigator" data-navigator="{json}"> holding the static
figure of the declared race (matplotlib, values from lesson_code, cached under
$RAVINE_BUILD/navigator/ and copied into the site after the build, never into docs/) and a
status line. A bad fence is a build error (a warning, which --strict turns into a failure),
reported in one line as `page.md:line: navigator fence: what is wrong`. On a page with
`notebook: true` the fences are checked when the build starts, before the lesson hook
writes the notebook from them (a fence with {{ }} numbers only for its shape there).
"""

import hashlib
import html
import json
import logging
import os
import pathlib
import re
import shutil
import sys
import textwrap

import yaml
from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url
from mkdocs.utils.meta import get_data

ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # MkDocs loads this file by path
    sys.path.insert(0, str(ROOT))
from scripts import figures_hook  # noqa: E402

CACHE = ROOT / os.environ.get("RAVINE_BUILD", "build") / "navigator"
FIGURE_DIR = "assets/navigator"
log = logging.getLogger("mkdocs.plugins.navigator")

KEYS = {"id", "landscape", "start", "lr", "beta", "optimizers", "num_steps",
        "caption", "landscapes", "full_width", "noise", "seed", "schedule",
        "noise_and_schedule"}
# The fields of the declared race the page receives (lesson_code.navigator.STATE_KEYS).
STATE = ("landscape", "start", "lr", "beta", "optimizers", "num_steps", "noise", "seed",
         "schedule")

# A fence, as superfences reads one (lesson_hook.FENCE, for the navigator only).
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*navigator[ \t]*\n"
                   r"(?P<body>.*?)^(?P=indent)(?P=fence)[ \t]*$", re.M | re.S)
NUMBER = re.compile(r"\{\{.*?\}\}")

_page = None
_ids = set()
_lines = []  # the page's navigator fences' line numbers, in page order
_figures = {}  # site uri -> cached png
_races = {}  # site uri -> the declared race, as lesson_code.browser's race op answers it


def on_config(config):
    fences = config.mdx_configs.setdefault("pymdownx.superfences", {})
    fences.setdefault("custom_fences", []).append(
        {"name": "navigator", "class": "navigator", "format": format_navigator})
    return config


def on_files(files, config):
    """Checks the navigator fences of notebook pages before the lesson hook reads them."""
    for file in files.documentation_pages():
        if not file.src_uri.endswith(".md"):
            continue
        source = pathlib.Path(file.abs_src_path).read_text(encoding="utf-8-sig")
        if not get_data(source)[1].get("notebook"):
            continue
        for match in FENCE.finditer(source):
            line = source.count("\n", 0, match.start()) + 1
            text = textwrap.dedent(match["body"]).rstrip("\n")  # as superfences hands it
            try:
                if NUMBER.search(text):  # its values are known once the page is rendered
                    shape(yaml.safe_load(NUMBER.sub("0", text)))
                else:
                    race_args(check(yaml.safe_load(text)))
            except (ValueError, TypeError, yaml.YAMLError) as error:
                raise PluginError(f"{file.src_uri}:{line}: navigator fence: "
                                  f"{sentence(error, line)}") from None
    return files


def on_page_markdown(markdown, page, config, files):
    global _page
    _page = page
    _ids.clear()
    # superfences formats the fences in page order: the k-th call is the k-th fence. Lines
    # are counted in the page's file (front matter included; other hooks may add lines).
    try:
        source = pathlib.Path(page.file.abs_src_path).read_text(encoding="utf-8-sig")
    except (TypeError, OSError):
        source = markdown
    _lines[:] = [source.count("\n", 0, m.start()) + 1 for m in FENCE.finditer(source)]
    return markdown


def sentence(error, line):
    """One line for a fence error; a YAML error names the line of the file it is on."""
    if isinstance(error, yaml.MarkedYAMLError):
        where = f" (line {line + 1 + error.problem_mark.line})" \
            if error.problem_mark and isinstance(line, int) else ""
        problem = error.problem or error.context or str(error).splitlines()[0]
        return f"bad YAML{where}: {problem}"
    return " ".join(str(error).split())


def on_post_build(config):
    for uri, png in _figures.items():
        target = pathlib.Path(config.site_dir) / uri
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(png, target)
    for uri, text in _races.items():
        (pathlib.Path(config.site_dir) / uri).write_text(text)
    write_contours(pathlib.Path(config.site_dir))


def write_contours(site_dir):
    """Each landscape's navigator grid, as lesson_code.browser's contour op returns it,
    at <site>/CONTOURS_DIR/<name>.json: a page draws it while Python is still starting.
    A landscape whose grid the op refuses gets no file (the page asks Python, which says
    why)."""
    from lesson_code import LANDSCAPES
    from lesson_code.browser import handle
    from lesson_code.navigator import CONTOURS_DIR, contour_request
    folder = site_dir / CONTOURS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for name in LANDSCAPES:
        reply = json.loads(handle(json.dumps({"op": "contour", "args": contour_request(name)})))
        if reply["ok"]:
            (folder / f"{name}.json").write_text(json.dumps(reply["result"], separators=(",", ":")))
        else:
            log.info("navigator: no contour file for %s: %s", name, reply["error"])


def race_args(spec):
    """The lesson_code race request for a declared state: lesson_code.navigator.race_request,
    the one definition (navigator.js raceArgs and the lesson hook's predict fences follow it)."""
    from lesson_code.navigator import race_request
    return race_request(spec)


def check(spec):
    """The declared state, completed with lesson_code.navigator.RACE_DEFAULTS and checked
    against its LIMITS and the registries; ValueError in words. `landscapes: all` offers
    every registered landscape."""
    from lesson_code import LANDSCAPES, ArgumentError, schedule_for
    from lesson_code.navigator import LIMITS, RACE_DEFAULTS, optimizer_order
    shape(spec)
    unknown = set(spec) - KEYS
    if unknown:
        raise ValueError(f"unknown keys {sorted(unknown)}; known: {sorted(KEYS)}")
    if not re.fullmatch(r"[a-z][a-z0-9-]*", str(spec.get("id", ""))):
        raise ValueError("id must be lowercase letters, digits and dashes")
    scape = LANDSCAPES.get(spec.get("landscape", RACE_DEFAULTS["landscape"]))
    if scape is None:
        raise ValueError(f"unknown landscape; known: {', '.join(LANDSCAPES)}")
    out = {"id": spec["id"], "landscape": scape.name,
           "start": [float(c) for c in spec.get("start", scape.start)],
           "lr": float(spec.get("lr", RACE_DEFAULTS["lr"])),
           "beta": float(spec.get("beta", RACE_DEFAULTS["beta"])),
           "optimizers": list(spec.get("optimizers", RACE_DEFAULTS["optimizers"])),
           "num_steps": int(spec.get("num_steps", RACE_DEFAULTS["num_steps"])),
           "landscapes": (list(LANDSCAPES) if spec.get("landscapes") == "all"
                          else list(spec.get("landscapes", [scape.name]))),
           "caption": str(spec.get("caption", "")),
           "full_width": bool(spec.get("full_width", False)),
           "noise": float(spec.get("noise", RACE_DEFAULTS["noise"])),
           "seed": spec.get("seed", RACE_DEFAULTS["seed"]),
           "schedule": spec.get("schedule", RACE_DEFAULTS["schedule"])}
    out["noise_and_schedule"] = bool(spec.get(
        "noise_and_schedule", out["noise"] != 0 or out["schedule"] != "constant"))
    if len(out["start"]) != 2:
        raise ValueError("start must be [x, y]")
    if isinstance(out["seed"], bool) or not isinstance(out["seed"], int):
        raise ValueError(f"seed must be a whole number, got {out['seed']!r}")
    for key in ("lr", "beta", "num_steps", "noise", "seed"):
        low, high = LIMITS[key]
        if not low <= out[key] <= high:
            raise ValueError(f"{key} must be from {low:g} to {high:g}")
    try:
        schedule_for(out["schedule"], out["num_steps"])
    except ArgumentError as error:
        raise ValueError(f"schedule: {error}") from None
    if not out["optimizers"] or set(out["optimizers"]) - set(optimizer_order()):
        raise ValueError(f"optimizers must be some of {optimizer_order()}")
    if set(out["landscapes"]) - set(LANDSCAPES):
        raise ValueError(f"landscapes must be some of {list(LANDSCAPES)}")
    if out["landscape"] not in out["landscapes"]:
        out["landscapes"].insert(0, out["landscape"])
    return out


def shape(spec):
    if not isinstance(spec, dict):
        raise ValueError("the body must be YAML key: value lines"
                         + (" (it is empty)" if spec is None else ""))


def landscape_facts(names):
    """What the page needs before Python is ready: titles, bounds, minima, eigenvalues."""
    from lesson_code.browser import call
    facts = {s["name"]: s for s in call("landscapes")}
    return {n: {k: facts[n][k] for k in ("title", "bounds", "minima", "start",
                                          "eigenvalues")} for n in names}


THEMES = ("light", "dark")  # the pre-Python picture is drawn in each of Material's themes


def render_figure(spec):
    """The declared race drawn with matplotlib, once per theme; returns ({theme: cached png
    path}, race result). The dark picture is the static figures' dark twin (transparent on
    the slate page, the navigator's dark colours: common.use_theme, common.DARK_RC)."""
    from lesson_code.browser import call
    result = call("race", race_args(spec))
    # the picture is drawn again when what draws it changes: this file, the figures'
    # helpers or lesson_code
    sources = [pathlib.Path(__file__), ROOT / "scripts" / "figures" / "common.py",
               *sorted((ROOT / "lesson_code").glob("*.py"))]
    digest = hashlib.sha256(json.dumps(race_args(spec), sort_keys=True).encode())
    for path in sources:
        digest.update(path.read_bytes())
    pngs = {theme: CACHE / f"{digest.hexdigest()[:20]}{'-dark' if theme == 'dark' else ''}.png"
            for theme in THEMES}
    for theme, png in pngs.items():
        if not png.exists():
            draw_picture(spec["landscape"], result["runs"], theme, png)
    return pngs, result


def draw_picture(landscape, runs, theme, png):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    figures = str(ROOT / "scripts" / "figures")
    if figures not in sys.path:  # once, not once per picture
        sys.path.insert(0, figures)
    import common
    try:
        common.use_theme(theme)
        with plt.rc_context(common.DARK_RC if theme == "dark" else {}):
            fig, ax = plt.subplots(figsize=(8, 5), dpi=110, layout="constrained")
            # no legend in the picture: the navigator's own legend is under it, as it is live
            common.draw_race(ax, landscape, runs, legend=False)
            CACHE.mkdir(parents=True, exist_ok=True)
            fig.savefig(png)
            plt.close(fig)
    finally:
        common.use_theme("light")


def first_race(spec):
    """The JSON text lesson_code.browser answers to the page's request for the declared race
    (race_args with packed values): the reply's result, as the worker would send it."""
    from lesson_code.browser import handle
    reply = json.loads(handle(json.dumps({"op": "race", "args": {**race_args(spec), "packed": True}})))
    if not reply["ok"]:
        raise ValueError(reply["error"])
    return json.dumps(reply["result"], separators=(",", ":"))


# The navigator's buttons (action, label) and how to move its start: in the page's HTML
# from the start, where navigator.js (navigator-controls.js) finds them and brings them to
# life, so nothing is inserted above the rest of the navigator when its script runs and
# nothing below it moves, however the row wraps at the reader's width.
BUTTONS = (("run", "Run"), ("pause", "Pause"), ("step", "Step"), ("reset", "Reset"),
           ("copy", "Copy as Python"))
# (the handle is a ringed dot in both themes: white ringed in black on the light page, the
# reverse on the dark one; navigator-draw.js THEMES)
MOVE_START = ("Drag the ringed dot where the runs begin, or focus the plot and use the arrow "
              "keys (Shift: larger steps), to move it.")


def picture(src, dark_src, alt):
    """The race as built, until Python is ready: in the dark theme its dark twin. The
    <source> serves a reader whose system is dark from the first paint (Material follows
    the system; without scripts the page stays light, and so does the picture);
    navigator.js then follows Material's theme switch (data-light / data-dark)."""
    light, dark = html.escape(src), html.escape(dark_src)
    return ('<picture class="navigator-static-picture">'
            f'<source srcset="{dark}" media="{figures_hook.DARK}" '
            'width="880" height="550">'
            f'<img class="navigator-static" src="{light}" data-light="{light}" data-dark="{dark}" '
            f'alt="{html.escape(alt)}" width="880" height="550"></picture>')


def legend(runs):
    """The legend's list: one item per run, its swatch left for navigator.js to draw."""
    items = "".join('<li><span class="navigator-swatch" aria-hidden="true"></span>'
                    f'<span>{html.escape(run["label"])}</span></li>' for run in runs)
    return f'<ul class="navigator-legend" aria-label="Legend">{items}</ul>'


def buttons_and_keys(nav_id):
    """The buttons row (disabled until navigator.js runs), the scoreboard (empty until the
    first race) and the keys line."""
    row = "".join(
        f'<button type="button" class="md-button navigator-button'
        f'{" md-button--primary" if action == "run" else ""}" data-action="{action}" disabled>'
        f"{html.escape(label)}</button>" for action, label in BUTTONS)
    return (f'<div class="navigator-buttons" data-nav-buttons>{row}</div>'
            '<div class="navigator-scoreboard" role="status" aria-label="Scoreboard"></div>'
            f'<p class="navigator-keys" id="{html.escape(nav_id)}-keys" data-nav-keys>'
            f"{html.escape(MOVE_START)}</p>")


def format_navigator(source, language, class_name, options, md, **kwargs):
    where = _page.file.src_uri if _page else "?"
    line = _lines.pop(0) if _lines else "?"
    try:
        spec = check(yaml.safe_load(source))
        if spec["id"] in _ids:
            raise ValueError(f"id {spec['id']!r} is used twice on this page")
        _ids.add(spec["id"])
        pngs, result = render_figure(spec)
    except (ValueError, TypeError, yaml.YAMLError) as error:
        message = sentence(error, line)
        log.warning(f"{where}:{line}: navigator fence: {message}")
        return f'<p class="navigator-error">Navigator fence error: {html.escape(message)}</p>'
    slug = where.removesuffix(".md").replace("/", "-")
    uri = f"{FIGURE_DIR}/{slug}--{spec['id']}.png"
    dark_uri = uri.removesuffix(".png") + "-dark.png"
    _figures[uri], _figures[dark_uri] = pngs["light"], pngs["dark"]
    src = get_relative_url(uri, _page.url) if _page else uri
    dark_src = get_relative_url(dark_uri, _page.url) if _page else dark_uri
    # the declared race as the page asks Python for it (packed): the page draws it while
    # Python starts and goes live the moment Python is ready (navigator.js #builtRace)
    race_uri = uri.removesuffix(".png") + ".json"
    _races[race_uri] = first_race(spec)
    facts = landscape_facts(spec["landscapes"])
    from lesson_code.navigator import page_data
    data = {**{k: spec[k] for k in ("id", *STATE, "landscapes", "noise_and_schedule")},
            "facts": facts, "contract": page_data(),
            "race": get_relative_url(race_uri, _page.url) if _page else race_uri}
    runs = "; ".join(f"{r['label']} {r['message']}" for r in result["runs"])
    extra = (f", gradient noise σ = {spec['noise']:g} (seed {spec['seed']})" if spec["noise"] else "")
    if result["schedule"]["name"] != "constant":
        extra += f", learning-rate schedule: {result['schedule']['label']}"
    alt = (f"Static figure: {facts[spec['landscape']]['title']}, start "
           f"({spec['start'][0]:g}, {spec['start'][1]:g}), η = {spec['lr']:g}{extra}: {runs}.")
    caption = html.escape(spec["caption"])
    wide = " navigator-wide" if spec["full_width"] else ""
    return (
        f'<div class="ravine-navigator{wide}" id="{spec["id"]}" '
        f'data-navigator="{html.escape(json.dumps(data), quote=True)}">'
        # the caption above the plot, where navigator.js keeps it: nothing moves at mount
        '<figure class="navigator-figure">'
        # (empty without one: navigator.js writes what is racing now into it)
        + f"<figcaption>{caption}</figcaption>"
        + f'<div class="navigator-plot-box">{picture(src, dark_src, alt)}</div>'
        # the legend of the declared race (its labels are lesson_code's, as in the race the
        # page is handed; navigator.js draws the swatches): the same size before and after
        + legend(result["runs"])
        + '</figure>' + buttons_and_keys(spec["id"])
        + '<p class="navigator-loading" data-nav-loading>Loading Python…</p></div>')
