// Mounts Ravine's widgets on inert HTML declared in the Markdown. Material re-emits
// document$ after every instant navigation; each widget module loads only on pages that
// use it, and the Python worker (python.js) is shared by all of them. This is the only
// script of ours that every page loads (with search-name.js, which names the search
// dialog every page has); it is a module, so nothing waits for it before painting.
const WIDGETS = [
  ["[data-ravine-smoke]", "./smoke.js", "mountSmoke"],
  ["[data-ravine-cell]", "./cells.js", "mountCell"],
  ["[data-navigator]", "./navigator.js", "mountNavigator"],
  ["[data-ravine-exercise]", "./exercise.js", "mountExercise"],
  ["[data-ravine-predict]", "./predict.js", "mountPredict"],
  ["[data-ravine-race]", "./race-buttons.js", "mountRaceButton"],
  [".katex-display", "./math-scroll.js", "mountMathScroll"],
  ["[data-ravine-ratemap]", "./rate-map.js", "mountRateMap"],
];

// Scripts that watch a kind of content for the rest of the visit (they subscribe to
// document$ themselves): imported once, on the first page that has that content.
const PAGE_SCRIPTS = [
  ["article img[src*='figures/']", "./figures-theme.js"],
  [".ravine-lab, article table", "./scroll-regions.js"],  // the lab, and wide tables on a phone
];
const imported = new Set();

// Mounted elements; a widget that holds on to something outside its element (a listener
// on the shared Python client, an observer) sets el.ravineTeardown, called once the
// element has left the page.
const mounted = new Set();

function mountAll() {
  for (const [selector, url] of PAGE_SCRIPTS) {
    if (imported.has(url) || !document.querySelector(selector)) continue;
    imported.add(url);
    import(url).catch(() => imported.delete(url));  // a dropped connection: next page retries
  }
  for (const el of mounted) {
    if (el.isConnected) continue;
    mounted.delete(el);
    el.ravineTeardown?.();
  }
  for (const [selector, url, mount] of WIDGETS) {
    const elements = [...document.querySelectorAll(selector)].filter((el) => !el.dataset.mounted);
    if (!elements.length) continue;
    elements.forEach((el) => (el.dataset.mounted = "true", mounted.add(el)));
    // a module that fails to load (a dropped connection) leaves its elements unmounted,
    // so the next page change tries again
    import(url).then((module) => elements.forEach((el) => module[mount](el)), () =>
      elements.forEach((el) => (delete el.dataset.mounted, mounted.delete(el))));
  }
}

// Python takes longest: on a page whose widgets start it at once, its worker starts early,
// but only once the page has loaded (its preloaded KaTeX fonts included) and those fonts
// are ready: the worker's start competes with them for the CPU, and math laid out before
// its fonts arrive moves when they do (tests/browser/test_layout_shift.py).
if (document.querySelector("[data-navigator], [data-ravine-ratemap], [data-ravine-smoke]")) {
  const loaded = document.readyState === "complete" ? Promise.resolve()
    : new Promise((done) => window.addEventListener("load", done, { once: true }));
  loaded.then(() => document.fonts.ready).then(() => import("./python.js"))
    .then(({ getPython }) => getPython(), () => {});
}

if (window.document$) window.document$.subscribe(mountAll);
else mountAll();
