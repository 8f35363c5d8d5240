// Registers the course's service worker (sw.js at the site root, written by
// scripts/sw_hook.py) for the site's own path, whatever path it is served under; asks it
// to keep Python for offline use once Python has started; and tells the reader when a
// new version is ready, reloading only when they choose.
//
// <html data-offline="pages">  the worker serves this page: every page opens offline;
// <html data-offline="ready">  and the Python runtime is cached too (for CSS and tests).
const root = new URL("../../", import.meta.url); // this file is <root>/assets/js/
const html = document.documentElement;
const LOOK_MS = 60 * 60 * 1000; // how often a long visit looks for a new deployment

if ("serviceWorker" in navigator && window.isSecureContext) start();

async function start() {
  const container = navigator.serviceWorker;
  // a page first controlled by a newer worker than the one it loaded under (the reader
  // chose to update, here or in another tab) reloads, so it never mixes two versions
  let controlled = Boolean(container.controller);
  container.addEventListener("controllerchange", () => {
    if (controlled) location.reload();
    controlled = true;
    markControlled();
  });
  // after the page's own load, so the install's downloads do not compete with it
  if (document.readyState !== "complete") {
    await new Promise((resolve) => window.addEventListener("load", resolve, { once: true }));
  }
  let registration;
  try {
    registration = await container.register(new URL("sw.js", root), { scope: root.href });
  } catch {
    return; // no worker (storage blocked, a private window): the site works online
  }
  watchForUpdates(registration);
  // instant navigation loads no page, so the browser never looks for a new sw.js itself
  let looked = Date.now();
  window.document$?.subscribe(() => {
    if (Date.now() - looked < LOOK_MS) return;
    looked = Date.now();
    registration.update().catch(() => {}); // offline: look again later
  });
  markControlled();
  whenPythonStarts(() => cacheRuntime());
}

async function markControlled() {
  const registration = await navigator.serviceWorker.ready;
  if (navigator.serviceWorker.controller && registration.active && !html.dataset.offline) {
    html.dataset.offline = "pages";
  }
}

function whenPythonStarts(callback) {
  if (html.dataset.python === "ready") return callback();
  const observer = new MutationObserver(() => {
    if (html.dataset.python !== "ready") return;
    observer.disconnect();
    callback();
  });
  observer.observe(html, { attributes: true, attributeFilter: ["data-python"] });
}

async function cacheRuntime() {
  const registration = await navigator.serviceWorker.ready;
  const channel = new MessageChannel();
  const reply = new Promise((resolve) => (channel.port1.onmessage = ({ data }) => resolve(data)));
  registration.active.postMessage({ type: "cache-runtime" }, [channel.port2]);
  if ((await reply).ok) html.dataset.offline = "ready";
}

function watchForUpdates(registration) {
  const waiting = (worker) => {
    // with no controller this is the first install, which activates by itself
    if (navigator.serviceWorker.controller) announce(worker);
  };
  if (registration.waiting) waiting(registration.waiting);
  registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    worker?.addEventListener("statechange", () => {
      if (worker.state === "installed") waiting(worker);
    });
  });
}

// The notice: a polite live region (present from the start, so screen readers announce
// what is written into it) and a button; kept on the page across instant navigation.
let notice = null;

function noticeElement() {
  if (!notice) {
    notice = document.createElement("div");
    notice.className = "ravine-update";
    const text = document.createElement("p");
    text.setAttribute("role", "status");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "md-button md-button--primary";
    button.textContent = "Reload to update";
    button.hidden = true;
    notice.append(text, button);
  }
  if (!notice.isConnected) document.body.append(notice);
  return notice;
}

function announce(worker) {
  const element = noticeElement();
  const [text, button] = element.children;
  text.textContent = "A new version of the course is ready. Your saved code is kept.";
  button.hidden = false;
  element.dataset.shown = "true";
  button.onclick = () => {
    button.disabled = true;
    text.textContent = "Updating…";
    worker.postMessage({ type: "skip-waiting" }); // then controllerchange reloads
  };
}

noticeElement();
window.document$?.subscribe(() => noticeElement());
