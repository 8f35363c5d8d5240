// The one Python runtime of a browser tab: a module web worker that loads Pyodide and
// lesson_code once, then answers {id, op, args} messages (see python.js).
//
// Replies: {id, ok: true, result} or {id, ok: false, error}.
// Status:  {type: "status", phase: "loading" | "ready" | "error", percent, message}.
import { loadPyodide } from "../../vendor/pyodide/pyodide.mjs";

const post = (message) => self.postMessage(message);
let settled = false; // after "ready" or "error", late progress events are stale
const status = (phase, percent, message) => {
  if (settled) return;
  settled = phase !== "loading";
  post({ type: "status", phase, percent, message });
};

// Share of the loading bar for each large download; the rest is start-up.
const WEIGHTS = { "pyodide.asm.wasm": 70, "python_stdlib.zip": 15 };
let reported = 0;

// Pyodide waits forever when a download of its own fails, so a failed download ends the
// start-up here, with a message that names the file.
let failStartup;
const startupFailed = new Promise((_, reject) => (failStartup = reject));

// Count the bytes of the big downloads as they stream in, to report honest progress.
const realFetch = self.fetch.bind(self);
self.fetch = async (input, init) => {
  const name = String(input.url ?? input).split("/").pop().split("?")[0];
  let response;
  try {
    response = await realFetch(input, init);
  } catch (error) {
    failStartup(new Error(`could not download ${name} (${error.message})`));
    throw error;
  }
  if (!response.ok) {
    failStartup(new Error(`could not download ${name} (HTTP ${response.status})`));
    return response;
  }
  const weight = WEIGHTS[name];
  const total = Number(response.headers.get("content-length"));
  if (!weight || !total || !response.body) return response;
  const before = name === "python_stdlib.zip" ? WEIGHTS["pyodide.asm.wasm"] : 0;
  let seen = 0;
  const counter = new TransformStream({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      const percent = Math.min(99, Math.floor(before + (weight * seen) / total));
      if (percent > reported) {
        reported = percent;
        status("loading", percent, "Loading Python…");
      }
      controller.enqueue(chunk);
    },
  });
  return new Response(response.body.pipeThrough(counter), {
    status: response.status, statusText: response.statusText, headers: response.headers,
  });
};

async function boot() {
  status("loading", 0, "Loading Python…");
  const pyodide = await loadPyodide({
    indexURL: new URL("../../vendor/pyodide/", import.meta.url).href,
    packages: ["lesson-code"],
  });
  status("loading", 90, "Starting lesson_code…");
  const browser = pyodide.pyimport("lesson_code.browser");
  return { pyodide, browser };
}

const ready = Promise.race([boot(), startupFailed]).then(
  (runtime) => {
    status("ready", 100, "Python is ready.");
    return runtime;
  },
  (error) => {
    status("error", reported, `Python could not start: ${error?.message ?? error}`);
    throw error;
  },
);

// op -> async (runtime, args) => result. Widgets add their ops here, one line each.
const OPS = {
  // lesson_code.browser.handle: JSON in, JSON out, one boundary crossing per call.
  call: ({ browser }, args) => JSON.parse(browser.handle(JSON.stringify(args))),
  // lesson_code.cells (cells.js): run a reader's cell in its page's namespace. Output
  // streams back as {id, stream: "stdout" | "stderr", text}, after {id, stream: "start"}.
  exec: (runtime, args, id) => {
    runtime.cells ??= runtime.pyodide.pyimport("lesson_code.cells");
    post({ id, stream: "start", text: "" });
    const write = (stream, text) => post({ id, stream, text });
    return JSON.parse(runtime.cells.run_json(JSON.stringify(args), write));
  },
  // The cells of a page that have run in this worker: {ran: ["cell 1", ...]}.
  cells: (runtime, { page }) => {
    runtime.cells ??= runtime.pyodide.pyimport("lesson_code.cells");
    return { ran: JSON.parse(runtime.cells.ran_json(page)) };
  },
};

self.onmessage = async ({ data: { id, op, args } }) => {
  try {
    const runtime = await ready;
    if (!(op in OPS)) throw new Error(`unknown operation ${op}`);
    post({ id, ok: true, result: await OPS[op](runtime, args, id) });
  } catch (error) {
    post({ id, ok: false, error: String(error?.message ?? error) });
  }
};
