// The one Python runtime of a browser tab: a module web worker that loads Pyodide and
// lesson_code once, then answers {id, op, args} messages (see python.js).
//
// Replies: {id, stream: "start"} when a call begins, then {id, ok: true, result} or
//          {id, ok: false, error, fatal} (fatal: this worker can no longer run Python).
// Status:  {type: "status", phase: "loading" | "ready" | "error", step, percent, message},
//          only while starting: python.js ignores any later one (a cell can post messages).
//          While loading, step is "download" (percent: of the bytes received), "start"
//          (Python starting) then "lesson" (importing lesson_code). Or, once, {type:
//          "snapshot-failed", message}: python.js then starts a worker with ?plain.
import { loadPyodide } from "../../vendor/pyodide/pyodide.mjs";

// Taken once: a cell can reach this worker's globals (import js) and replace them.
const postMessage = self.postMessage.bind(self);
const post = (message) => postMessage(message);
let settled = false; // after "ready" or "error", late progress events are stale
const status = (phase, percent, message, step = phase) => {
  if (settled) return;
  settled = phase !== "loading";
  post({ type: "status", phase, step, percent, message });
};

const BASE = new URL("../../vendor/pyodide/", import.meta.url).href;
// Pyodide's memory with lesson_code imported, made at build time (scripts/snapshot.mjs).
// ?plain (python.js, after a snapshot failed) boots without it.
const SNAPSHOT = "lesson-code.snapshot.gz";
const plain = new URL(import.meta.url).searchParams.has("plain");

// The phases the page shows, in order; "download" carries a percent of the bytes received.
const PHASES = {
  download: "Downloading Python…",
  start: "Starting Python…",
  lesson: "Loading the lesson code…",
};
const phase = (name, percent = null) => status("loading", percent, PHASES[name], name);

// Progress counts the bytes of the big downloads as they arrive, against their sizes
// (vendor.py writes sizes.json: a server that gzips sends no usable content-length).
const BIG = ["pyodide.asm.wasm", "python_stdlib.zip", SNAPSHOT];
const downloads = new Map(); // name -> {seen, length, done}
let sizes = null; // until sizes.json has answered (or failed: {})
let reported = -1;
let downloaded = false;
function progress() {
  if (downloaded || !sizes || !downloads.has("pyodide.asm.wasm")) return;
  const files = [...downloads];
  if (files.every(([, file]) => file.done)) {
    downloaded = true;
    return phase("start");
  }
  const totals = files.map(([name, file]) => sizes[name] || file.length);
  if (totals.some((total) => !total)) return; // a size not known yet: no made-up percent
  const total = totals.reduce((a, b) => a + b, 0);
  const seen = files.reduce((sum, [, file], i) => sum + Math.min(file.seen, totals[i]), 0);
  const percent = Math.min(99, Math.floor((100 * seen) / total));
  if (percent > reported) {
    reported = percent;
    phase("download", percent);
  }
}
fetch(BASE + "sizes.json").then((r) => (r.ok ? r.json() : {})).catch(() => ({}))
  .then((value) => ((sizes = value), progress()));

/** Counts a big download's bytes from a clone of its response, so the response itself
 * reaches Pyodide untouched (streaming compilation and the browser's code cache). */
function track(name, response) {
  const file = downloads.get(name);
  if (!response.headers.get("content-encoding")) file.length = Number(response.headers.get("content-length")) || 0;
  const reader = response.clone().body?.getReader();
  if (!reader) return ((file.done = true), progress());
  const pump = ({ done, value }) => {
    if (done) file.done = true;
    else file.seen += value.byteLength;
    progress();
    return done ? undefined : reader.read().then(pump);
  };
  reader.read().then(pump).catch(() => {}); // a failed body fails Pyodide's own read too
}

// Pyodide waits forever when a download of its own fails, so a failed download ends the
// start-up here, with a message that names the file.
let failStartup;
const startupFailed = new Promise((_, reject) => (failStartup = reject));

const realFetch = self.fetch.bind(self);
const fileName = (input) => String(input?.url ?? input).split("/").pop().split("?")[0];
self.fetch = async (input, init) => {
  const name = fileName(input);
  const big = BIG.includes(name);
  if (big) downloads.set(name, { seen: 0, length: 0, done: false });
  let response;
  try {
    // the runtime is what the page waits for: ask for it first
    response = await realFetch(input, big ? { ...init, priority: "high" } : init);
  } catch (error) {
    failStartup(new Error(`could not download ${name} (${error.message})`));
    throw error;
  }
  if (!response.ok) {
    failStartup(new Error(`could not download ${name} (HTTP ${response.status})`));
    return response;
  }
  if (big) track(name, response);
  return response;
};

/** A snapshot that cannot be used: the page starts a worker that boots plainly. */
class SnapshotFailed extends Error {}

/** The snapshot's bytes, unzipped; rejects with SnapshotFailed (missing, corrupt). */
async function snapshotBytes() {
  try {
    downloads.set(SNAPSHOT, { seen: 0, length: 0, done: false });
    const response = await realFetch(BASE + SNAPSHOT, { priority: "high" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    track(SNAPSHOT, response);
    const unzipped = response.body.pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(unzipped).arrayBuffer());
  } catch (error) {
    throw new SnapshotFailed(`the snapshot could not be read (${error?.message ?? error})`);
  }
}

async function boot() {
  phase("download", 0);
  const snapshot = plain ? null : snapshotBytes();
  snapshot?.catch(() => {}); // handled below, once loadPyodide has it
  let pyodide;
  try {
    pyodide = await loadPyodide({ indexURL: BASE, packages: ["lesson-code"], ...(snapshot && { _loadSnapshot: snapshot }) });
  } catch (error) {
    if (!snapshot || error instanceof SnapshotFailed) throw error;
    // Pyodide refused it: another build's snapshot, or not a snapshot at all
    throw new SnapshotFailed(`Pyodide refused the snapshot (${error?.message ?? error})`);
  }
  if (snapshot) {
    // lesson_code's files are installed again (for tracebacks); its modules come from the
    // snapshot, which must be of the wheel this build ships
    const shipped = pyodide.lockfile?.packages?.["lesson-code"]?.sha256;
    const restored = pyodide.runPython("getattr(__import__('lesson_code'), '__wheel_sha256__', None)");
    if (!shipped || restored !== shipped) throw new SnapshotFailed("the snapshot holds another lesson_code wheel");
    // the snapshot froze random's state: every reader would draw the same numbers
    pyodide.runPython("import random; random.seed()");
  }
  phase("lesson");
  // The entry point is taken once, here: a reader's cell that replaces
  // lesson_code.browser.handle changes its own namespace, not the navigator's.
  return { pyodide, handle: pyodide.pyimport("lesson_code.browser").handle };
}

/** lesson_code.cells' entry points, imported on the first cell (before any cell ran). */
function cellsApi(runtime) {
  if (!runtime.cells) {
    const cells = runtime.pyodide.pyimport("lesson_code.cells");
    runtime.cells = { runJson: cells.run_json, ranJson: cells.ran_json };
  }
  return runtime.cells;
}

// A restored snapshot has run no Python in this tab, so the browser has not yet compiled
// the interpreter's hot paths to fast code (a plain boot did, while it started): the first
// races after it ran about 2x slower. Once the first call is answered, a few throwaway
// races warm them up (WARM_MS at most), before the reader's first drag.
const WARM_MS = 150;
const WARM_RACE = JSON.stringify({ op: "race", args: { landscape: "ravine", start: [-8, 2], num_steps: 500,
  optimizers: [{ name: "sgd", lr: 0.05 }, { name: "momentum", lr: 0.05, beta: 0.9 }] } });
function warmUp({ handle }) {
  const end = performance.now() + WARM_MS;
  try {
    while (performance.now() < end) handle(WARM_RACE);
  } catch {} // a cell that ran first may have broken lesson_code: its own call will say so
}

const ready = Promise.race([boot(), startupFailed]).then(
  (runtime) => {
    status("ready", 100, "Python is ready.");
    if (!plain) setTimeout(() => warmUp(runtime), 0); // after the calls already waiting
    return runtime;
  },
  (error) => {
    if (error instanceof SnapshotFailed) {
      // python.js replaces this worker with one that boots without the snapshot
      if (!settled) post({ type: "snapshot-failed", message: error.message });
      settled = true;
    } else status("error", null, `Python could not start: ${error?.message ?? error}`);
    throw error;
  },
);
ready.catch(() => {}); // said above (status, or snapshot-failed): not an unhandled rejection

/** The JSON text lesson_code sent back, parsed. Anything but text means Python itself is
 * not sound (a cell replaced json.dumps, say): a Broken error, and the page replaces the
 * worker. Text that is not JSON is lesson_code's own error, reported as any other. */
class Broken extends Error {}
function parseReply(text, what) {
  if (typeof text !== "string") throw new Broken(`${what} did not answer with text`);
  const value = JSON.parse(text);
  if (!value || typeof value !== "object") throw new Error(`${what} did not answer with a JSON object`);
  return value;
}

// Output of a cell goes to the page as it is written, up to BUDGET messages per WINDOW_MS;
// beyond that (a loop printing thousands of lines) it is sent in batches, at the next write
// after the window or once BATCH_CHARS wait, and at the end of the run. So 30,000 prints
// are a few hundred messages, not 30,000, and a slow print shows at once. (Python runs
// synchronously here: no timer can fire during a run, so only a write can send.)
const WINDOW_MS = 100;
const BUDGET = 10;
const BATCH_CHARS = 64_000;
function batcher(id) {
  let chunks = [], size = 0, windowAt = -Infinity, sent = 0;
  const flush = () => {
    for (const [stream, text] of chunks) post({ id, stream, text });
    sent += chunks.length;
    chunks = [];
    size = 0;
  };
  const write = (stream, text) => {
    const previous = chunks.at(-1);
    if (previous?.[0] === stream) previous[1] += text;
    else chunks.push([stream, text]);
    size += text.length;
    const now = performance.now();
    if (now - windowAt >= WINDOW_MS) (windowAt = now), (sent = 0);
    if (sent < BUDGET || size >= BATCH_CHARS) flush();
  };
  return { write, flush };
}

// op -> (runtime, args, id) => result. Widgets add their ops here, one line each.
const OPS = {
  // lesson_code.browser.handle: JSON in, JSON out, one boundary crossing per call.
  call: ({ handle }, args) => {
    const reply = parseReply(handle(JSON.stringify(args)), "lesson_code.browser.handle");
    if (typeof reply.ok !== "boolean") throw new Broken("lesson_code.browser.handle answered without ok");
    return reply;
  },
  // lesson_code.cells (cells.js): run a reader's cell in its page's namespace. Output
  // streams back as {id, stream: "stdout" | "stderr", text}, in batches.
  exec: (runtime, args, id) => {
    const { runJson } = cellsApi(runtime);
    const output = batcher(id);
    try {
      return parseReply(runJson(JSON.stringify(args), output.write), "lesson_code.cells.run_json");
    } finally {
      output.flush();
    }
  },
  // The cells of a page that have run in this worker: {ran: ["cell 1", ...]}.
  cells: (runtime, { page }) => ({ ran: parseReply(cellsApi(runtime).ranJson(page), "lesson_code.cells.ran_json") }),
};

/** Whether Python can still run anything (after os._exit or a fatal error it cannot). */
function alive({ pyodide }) {
  try {
    pyodide.runPython("None");
    return true;
  } catch {
    return false;
  }
}

// Every call is answered {id, ok, result | error}, after {id, stream: "start"} once it
// begins (python.js times calls from then). fatal: true says this worker can no longer
// run Python (os._exit, a fatal error, lesson_code broken by a cell): the page replaces it.
// A cell that drops this handler (js.self.onmessage = None) gets it back at once; one
// that closes the worker (js.close()) is caught by python.js's watchdog.
const onmessage = async ({ data: { id, op, args } }) => {
  let runtime;
  try {
    runtime = await ready;
    if (!Object.hasOwn(OPS, op)) throw new Error(`unknown operation ${op}`);
    post({ id, stream: "start", text: "" });
    post({ id, ok: true, result: await OPS[op](runtime, args, id) });
  } catch (error) {
    const fatal = Boolean(runtime) && (error instanceof Broken || !alive(runtime));
    post({ id, ok: false, error: String(error?.message ?? error), fatal });
  } finally {
    if (self.onmessage !== onmessage) self.onmessage = onmessage;
  }
};
self.onmessage = onmessage;
