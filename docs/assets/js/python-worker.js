// The one Python runtime of a browser tab: a module web worker that loads Pyodide and
// lesson_code once, then answers {id, op, args} messages (see python.js).
//
// Replies: {id, stream: "start"} when a call begins, then {id, ok: true, result} or
//          {id, ok: false, error, fatal} (fatal: this worker can no longer run Python).
// Status:  {type: "status", phase: "loading" | "ready" | "error", percent, message}, only
//          while starting: python.js ignores any later one (a cell can post messages).
import { loadPyodide } from "../../vendor/pyodide/pyodide.mjs";

// Taken once: a cell can reach this worker's globals (import js) and replace them.
const postMessage = self.postMessage.bind(self);
const post = (message) => postMessage(message);
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
