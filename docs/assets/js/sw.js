// The course's service worker: after one visit, every page opens offline, Python too.
// Published only as <site root>/sw.js, below the line scripts/sw_hook.py writes first:
//   const BUILD = {key, precache: {path: sha256}, runtime: {path: sha256}};
// (paths relative to the site root). Registered by sw-register.js.
//
// One cache per build, named by BUILD.key: installing fetches every precache file (or
// copies it from an older build's cache when its hash is the same) and checks each
// against its hash, so a cache never holds two versions. The runtime files (Pyodide and
// the lesson_code wheel) join the cache once Python has started (the page says so, or
// they are fetched through here). A new build waits until the reader chooses to reload
// (the page posts "skip-waiting"); once it is active, older builds' caches are deleted.
// Every file of the build is served from the cache first: the HTML that instant
// navigation fetches and search_index.json always come from the same build as the page.
const SCOPE = self.registration.scope;
const PREFIX = `ravine ${SCOPE} `; // caches are per origin: each scope keeps its own
const CACHE = PREFIX + BUILD.key;
const FILES = { ...BUILD.precache, ...BUILD.runtime };
const HASH = "x-ravine-sha256"; // the hash a cached response was checked against

const urlOf = (path) => new URL(path, SCOPE).href;

/** The site path a request asks for ("" and "x/" mean their index.html), or null. */
function pathOf(request) {
  const url = new URL(request.url);
  if (request.method !== "GET" || !url.href.startsWith(SCOPE)) return null;
  let path = url.pathname.slice(new URL(SCOPE).pathname.length);
  try {
    path = decodeURIComponent(path);
  } catch {
    return null;
  }
  return path === "" || path.endsWith("/") ? `${path}index.html` : path;
}

async function sha256(blob) {
  const digest = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A response to keep: its body checked against the build's hash, headers that fit it. */
async function checked(response, path) {
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  const body = await response.blob();
  if ((await sha256(body)) !== FILES[path]) throw new Error(`${path} is not the file of build ${BUILD.key}`);
  const headers = new Headers(response.headers);
  headers.delete("content-encoding"); // the body is stored decoded
  headers.set("content-length", String(body.size));
  headers.set(HASH, FILES[path]);
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

/** Fetches a file of this build; a stale copy from the HTTP cache is fetched again. */
async function download(path) {
  try {
    return await checked(await fetch(urlOf(path), { cache: "no-cache" }), path);
  } catch {
    return checked(await fetch(urlOf(path), { cache: "reload" }), path);
  }
}

/** The same file (same hash) from an older build's cache of this scope, if any. */
async function older(path) {
  for (const name of await caches.keys()) {
    if (!name.startsWith(PREFIX) || name === CACHE) continue;
    const response = await (await caches.open(name)).match(urlOf(path));
    if (response?.headers.get(HASH) === FILES[path]) return response;
  }
  return null;
}

/** Puts each path into this build's cache: kept, copied from an older build, or fetched. */
async function fill(paths, fetchMissing = true) {
  const cache = await caches.open(CACHE);
  const missing = [];
  await Promise.all(paths.map(async (path) => {
    if (await cache.match(urlOf(path))) return;
    const copy = await older(path);
    if (copy) return cache.put(urlOf(path), copy);
    if (!fetchMissing) return missing.push(path);
    await cache.put(urlOf(path), await download(path));
  }));
  return missing;
}

/** Caches the runtime; true once every runtime file is in this build's cache. */
async function cacheRuntime() {
  await fill(Object.keys(BUILD.runtime));
  return true;
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    await fill(Object.keys(BUILD.precache));
    // a reader who ran Python under an older build keeps it offline: unchanged runtime
    // files are copied, changed ones (a new wheel) fetched now
    const runtime = Object.keys(BUILD.runtime);
    const missing = await fill(runtime, false);
    if (missing.length < runtime.length) await fill(missing);
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim(); // a first visit is served from here from now on
  })());
});

self.addEventListener("message", (event) => {
  const type = event.data?.type;
  if (type === "skip-waiting") self.skipWaiting();
  else if (type === "cache-runtime") {
    const reply = (message) => event.ports[0]?.postMessage(message);
    event.waitUntil(cacheRuntime().then((ok) => reply({ ok }),
      (error) => reply({ ok: false, error: String(error.message ?? error) })));
  }
});

async function respond(event, path) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(urlOf(path));
  if (hit) return hit;
  const response = await fetch(event.request);
  // first use of a file not cached yet (the runtime, before the page asked for it)
  if (response.ok) {
    event.waitUntil(checked(response.clone(), path)
      .then((copy) => cache.put(urlOf(path), copy)).catch(() => {}));
  }
  return response;
}

async function outside(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const missing = await (await caches.open(CACHE)).match(urlOf("404.html"));
    if (!missing) throw error;
    return new Response(missing.body, { status: 404, headers: missing.headers });
  }
}

self.addEventListener("fetch", (event) => {
  const path = pathOf(event.request);
  if (path === null) return;
  if (Object.hasOwn(FILES, path)) event.respondWith(respond(event, path));
  else if (event.request.mode === "navigate") event.respondWith(outside(event.request));
});
