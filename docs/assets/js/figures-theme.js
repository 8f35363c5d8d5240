// Static figures come in two files (scripts/render_figures.py): NAME.svg for the light
// theme and NAME-dark.svg for Material's dark (slate) theme. One <img>, one alt text: this
// shows the file of the theme in use, on every page and whenever the reader switches.
const FIGURE = /\/figures\/[^/]+?(-dark)?\.svg$/;

function showTheme() {
  const dark = document.body.getAttribute("data-md-color-scheme") === "slate";
  for (const img of document.querySelectorAll("article img:not(.navigator-static)")) {
    const src = img.getAttribute("src");
    const match = src && FIGURE.exec(new URL(src, location.href).pathname);
    if (!match || Boolean(match[1]) === dark) continue;
    img.setAttribute("src", dark ? src.replace(/\.svg$/, "-dark.svg") : src.replace(/-dark\.svg$/, ".svg"));
  }
}

new MutationObserver(showTheme).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
if (typeof document$ !== "undefined") document$.subscribe(showTheme);
else showTheme();
