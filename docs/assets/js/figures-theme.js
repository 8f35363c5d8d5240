// Static figures come in four files (scripts/render_figures.py): NAME.svg drawn for a
// column of 640 CSS px or more, NAME-narrow.svg for a phone's column, and the dark
// (slate) theme's twin of each, NAME-dark.svg and NAME-narrow-dark.svg. One <img>, one alt
// text: this shows the file for the theme in use and the width of the figure's column,
// on every page, whenever the reader switches theme and whenever the column changes width.
// Either way a figure's text is at least 11 CSS px (scripts/figures/common.py).
const FIGURE = /\/figures\/([^/]+?)(-narrow)?(-dark)?\.svg$/;
const IMAGES = "article img:not(.navigator-static)";
const sizes = new WeakMap(); // img -> Map(file -> [width, height]), from the built <picture>

/** Each variant's size, from the <picture>'s sources and the <img> (their width and height
 * attributes), read once: the sources are then removed. */
function variantSizes(img, picture) {
  if (!sizes.has(img)) {
    const known = new Map();
    for (const el of [...(picture?.querySelectorAll(":scope > source") ?? []), img]) {
      const url = el.getAttribute(el.localName === "source" ? "srcset" : "src");
      const [width, height] = [el.getAttribute("width"), el.getAttribute("height")];
      if (url && width && height) known.set(url.slice(url.lastIndexOf("/") + 1), [width, height]);
    }
    sizes.set(img, known);
  }
  return sizes.get(img);
}

/** Each figure's file for this theme and its column's width: every width is read first,
 * then the figures changed (a change between two reads would make the browser lay the
 * page out again for the next; issue 16). */
function showVariant() {
  const dark = document.body.getAttribute("data-md-color-scheme") === "slate";
  const chosen = [];
  for (const img of document.querySelectorAll(IMAGES)) {
    const src = img.getAttribute("src");
    const match = src && FIGURE.exec(new URL(src, location.href).pathname);
    if (!match) continue;
    const picture = img.parentElement.localName === "picture" ? img.parentElement : null;
    const column = (picture ?? img).parentElement.clientWidth;
    if (column === 0) continue; // not laid out (a hidden panel): decide once it is
    // CSS px of column under which the narrow file is drawn (scripts/figures_hook.py)
    const narrowBelow = Number(img.dataset.narrowBelow);
    if (!narrowBelow) continue; // not a figure the build made a <picture> of
    chosen.push([img, picture, `${match[1]}${column < narrowBelow ? "-narrow" : ""}${dark ? "-dark" : ""}.svg`]);
  }
  for (const [img, picture, file] of chosen) {
    const src = img.getAttribute("src");
    const slash = src.lastIndexOf("/");
    const size = variantSizes(img, picture).get(file);
    // the box keeps the shape of the file coming, before it has arrived (a lazy figure)
    for (const [i, name] of ["width", "height"].entries()) {
      if (size && img.getAttribute(name) !== size[i]) img.setAttribute(name, size[i]);
    }
    if (src.slice(slash + 1) !== file) img.setAttribute("src", src.slice(0, slash + 1) + file);
    for (const source of picture?.querySelectorAll(":scope > source") ?? []) source.remove();
  }
}

let lastWidth = 0;
const resized = new ResizeObserver(([entry]) => {
  const width = Math.round(entry.contentRect.width);
  if (width !== lastWidth) {
    lastWidth = width;
    showVariant();
  }
});

function watch() {
  resized.disconnect();
  lastWidth = 0;
  const article = document.querySelector("article");
  // its first report, once the article is laid out, shows the variants (and so does
  // every change of its width)
  if (article) resized.observe(article);
  else showVariant();
}

new MutationObserver(showVariant).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
if (typeof document$ !== "undefined") document$.subscribe(watch);
else watch();
