"""Render every static figure of the site from lesson_code, with matplotlib.

Usage: python scripts/render_figures.py [NAME ...]

Figures are declared in scripts/figures/*.py: each module has a FIGURES dict that maps a
file name ("ravine-zigzag.svg") to a function returning a matplotlib Figure. They are
written to build/assets/figures/, which the MkDocs hook adds to the site, so a page
shows one as ![what it shows](../figures/ravine-zigzag.svg) (relative to the page).

Each figure is rendered twice from the same function: NAME.svg for the light theme and
NAME-dark.svg for Material's dark (slate) theme, with a transparent background, light
text (common.DARK_RC) and the navigator's dark colours (common.use_theme). The page keeps
one <img> and one alt text; docs/assets/js/figures-theme.js shows the theme's file.
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


def dark_name(name):
    stem, dot, ext = name.rpartition(".")
    return f"{stem}-dark.{ext}"


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
        metadata = {"Date": None} if name.endswith(".svg") else None
        fig = figures[name]()
        fig.savefig(OUT / name, metadata=metadata)
        plt.close(fig)
        try:
            common.use_theme("dark")
            with plt.rc_context(common.DARK_RC):
                fig = figures[name]()
                fig.savefig(OUT / dark_name(name), metadata=metadata)
                plt.close(fig)
        finally:
            common.use_theme("light")
        if name.endswith(".svg"):  # colours a module typed for the light page
            path = OUT / dark_name(name)
            text = path.read_text()
            for light, dark in DARK_INKS.items():
                text = text.replace(light, dark)
            path.write_text(text)
        print(f"render_figures: {name} and {dark_name(name)}")


if __name__ == "__main__":
    main(sys.argv[1:])
