"""Render every static figure of the site from lesson_code, with matplotlib.

Usage: python scripts/render_figures.py [NAME ...]

Figures are declared in scripts/figures/*.py: each module has a FIGURES dict that maps a
file name ("ravine-zigzag.svg") to a function returning a matplotlib Figure. They are
written to build/assets/figures/, which the MkDocs hook adds to the site, so a page
shows one as ![what it shows](../figures/ravine-zigzag.svg) (relative to the page).

Each figure is rendered four times from the same function: for two column widths
(common.use_layout: "wide", and "narrow" for a phone, NAME-narrow.svg) and two themes:
NAME.svg for the light theme and NAME-dark.svg for Material's dark (slate) theme, with a
transparent background, light text (common.DARK_RC) and the navigator's dark colours
(common.use_theme). Text is never under common.TEXT_MIN points (common.TEXT_RC). The page
keeps one <img> and one alt text; docs/assets/js/figures-theme.js shows the file of the
theme and the column's width.
"""

import importlib.util
import os
import pathlib
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCES = ROOT / "scripts" / "figures"
OUT = ROOT / os.environ.get("RAVINE_BUILD", "build") / "assets" / "figures"

# Same-looking SVGs on every machine: fixed hash salt, no embedded date, text as paths.
matplotlib.rcParams.update({"svg.hashsalt": "ravine", "svg.fonttype": "path",
                            "figure.dpi": 100, "savefig.bbox": "tight"})


sys.path.insert(0, str(SOURCES))
import common  # noqa: E402  (the same module the figure modules import)

# Inks a figure module sets by hand for the light page: their dark-theme twins.
DARK_INKS = {"#333333": "#dde1ea", "#222222": "#dde1ea", "#ffffff": "#1a1f2c"}


def variant_name(name, layout, theme):
    """NAME.svg, NAME-dark.svg, NAME-narrow.svg, NAME-narrow-dark.svg."""
    stem, dot, ext = name.rpartition(".")
    suffix = ("-narrow" if layout == "narrow" else "") + ("-dark" if theme == "dark" else "")
    return f"{stem}{suffix}.{ext}"


def render(name, make, layout, theme):
    metadata = {"Date": None} if name.endswith(".svg") else None
    out = OUT / variant_name(name, layout, theme)
    try:
        common.use_layout(layout)
        common.use_theme(theme)
        rc = {**common.TEXT_RC, **(common.DARK_RC if theme == "dark" else {})}
        with plt.rc_context(rc):
            fig = make()
            fig.savefig(out, metadata=metadata)
            plt.close(fig)
    finally:
        common.use_layout("wide")
        common.use_theme("light")
    if theme == "dark" and name.endswith(".svg"):  # colours a module typed for the light page
        text = out.read_text()
        for light, dark in DARK_INKS.items():
            text = text.replace(light, dark)
        out.write_text(text)
    return out.name


def declared_figures():
    """{file name: function} from every module in scripts/figures/."""
    figures = {}
    for path in sorted(SOURCES.glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"figures_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for name, make in getattr(module, "FIGURES", {}).items():
            if name in figures:
                sys.exit(f"render_figures: {name} is declared twice")
            figures[name] = make
    return figures


def main(names):
    figures = declared_figures()
    unknown = set(names) - set(figures)
    if unknown:
        sys.exit(f"render_figures: no figure named {sorted(unknown)}")
    OUT.mkdir(parents=True, exist_ok=True)
    for name in names or sorted(figures):
        made = [render(name, figures[name], layout, theme)
                for layout in ("wide", "narrow") for theme in ("light", "dark")]
        print(f"render_figures: {', '.join(made)}")


if __name__ == "__main__":
    main(sys.argv[1:])
