// The client of the tab's one Python worker (python-worker.js). Module state survives
// Material's instant navigation, so every widget on every page shares one runtime.
//
//   const python = getPython();
//   python.onStatus(({phase, step, percent, message}) => ...);  // "loading" | "ready" | "error"
//     while loading, step is "download" (percent: of the bytes received, or null), "start"
//     or "lesson"; message says it in words ("Downloading Python…"), without the percent
//   const reply = await python.lesson("race", {...});     // lesson_code.browser.handle
//   python.restart();                                     // stop runaway code
//   python.send("exec", args, {onStream: (stream, text) => ..., deadline: ms});
//
// A watchdog guards every call, whatever a cell did to the worker: a call that has begun
// and runs past its deadline, or a call the ready worker has not begun after STALL_MS
// (its message handler is gone, it closed itself), restarts the worker; so does a reply
// that says Python can no longer run (os._exit). After a restart, pending lesson() calls
// (pure computations) are sent again to the new worker, except the one that hung or ended
// Python; other pending calls fail with the restart's reason (error.restarted is true).
// A worker whose memory snapshot fails (missing, corrupt, of another build) is replaced
// by one that boots Python plainly, pending calls and all.
let client = null;

const STALL_MS = 3000; // a ready worker begins a call within milliseconds of the last one
const CALL_MS = 20_000; // lesson_code's computations are capped well below this
const WATCH_MS = 250;

export function getPython() {
  client ??= new PythonClient();
  return client;
}

class PythonClient {
  #worker = null;
  #settled = false; // this worker has said "ready" or "error": later status is forged
  #plain = false; // the snapshot failed once: boot without it from now on
  #pending = new Map();
  #listeners = new Set();
  #nextId = 1;
  #heard = 0; // when the worker last said anything
  #watchdog = null;
  status = { phase: "loading", step: "download", percent: null, message: "Downloading Python…" };

  constructor() {
    this.#start();
  }

  #start() {
    const plain = this.#plain;
    const url = new URL("./python-worker.js", import.meta.url);
    if (plain) url.search = "plain";
    const worker = new Worker(url, { type: "module" });
    this.#settled = false;
    worker.onmessage = ({ data }) => {
      if (worker !== this.#worker || !data || typeof data !== "object") return;
      this.#heard = performance.now();
      if (data.type === "status") {
        if (!this.#settled) this.#setStatus(data);
      } else if (data.type === "snapshot-failed") {
        if (!this.#settled && !plain) (this.#plain = true), this.#replace();
      } else this.#settle(data);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      if (worker !== this.#worker || this.#settled) return; // a cell's own error, later
      this.#setStatus({ phase: "error", message: `Python could not start: ${event.message || "the worker failed to load"}` });
    };
    this.#worker = worker;
  }

  #setStatus({ phase, step = phase, percent = null, message }) {
    this.status = { phase, step, percent, message };
    this.#settled = phase !== "loading";
    document.documentElement.dataset.python = phase; // for CSS, and for the tests
    if (phase === "ready") this.#heard = performance.now();
    if (phase === "error") this.#rejectAll(new Error(message));
    for (const listener of this.#listeners) listener(this.status);
  }

  #settle({ id, ok, result, error, stream, text, fatal }) {
    const pending = this.#pending.get(id);
    if (!pending) return;
    if (stream === "start") pending.began = performance.now();
    if (stream) return pending.onStream?.(stream, text);
    this.#pending.delete(id);
    if (ok) return pending.resolve(result);
    if (!fatal) return pending.reject(new Error(error));
    this.#restart(`Python ended (${error}), so the page started it again.`, pending);
  }

  #rejectAll(error) {
    for (const { reject } of this.#pending.values()) reject(error);
    this.#pending.clear();
  }

  /** Restarts a worker that cannot answer; every pending call is checked each WATCH_MS. */
  #watch() {
    if (!this.#pending.size) {
      clearInterval(this.#watchdog);
      this.#watchdog = null;
      return;
    }
    if (this.status.phase !== "ready") return;
    const now = performance.now();
    const calls = [...this.#pending.values()];
    const overdue = calls.find((call) => call.began && now - call.began > call.deadline);
    if (overdue) {
      const seconds = Math.round(overdue.deadline / 1000);
      return this.#restart(`Python gave no answer within ${seconds} s, so the page restarted it.`, overdue);
    }
    if (calls.some((call) => call.began)) return; // the worker is busy with a call
    const waited = Math.min(...calls.map((call) => now - Math.max(call.sent, this.#heard)));
    if (waited > STALL_MS) this.#restart("Python stopped answering, so the page restarted it.");
  }

  /** Calls `listener(status)` now and on every change; returns an unsubscribe function. */
  onStatus(listener) {
    this.#listeners.add(listener);
    listener(this.status);
    return () => this.#listeners.delete(listener);
  }

  /** Sends one operation to the worker; resolves with its result. onStream(stream, text)
   * receives the op's {stream, text} messages ("start" first); retry: true re-sends it
   * after a restart; deadline: ms it may run once begun. */
  send(op, args = {}, { onStream, retry = false, deadline = CALL_MS } = {}) {
    if (this.status.phase === "error") return Promise.reject(new Error(this.status.message));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const message = { id, op, args };
      this.#pending.set(id, { resolve, reject, onStream, retry, deadline, message, sent: performance.now() });
      this.#worker.postMessage(message);
      this.#watchdog ??= setInterval(() => this.#watch(), WATCH_MS);
    });
  }

  /** lesson_code.browser.handle({op, args}); resolves with its reply {ok, result|error}. */
  lesson(op, args = {}) {
    return this.send("call", { op, args }, { retry: true });
  }

  /** Stops whatever runs (there is no interrupt buffer on GitHub Pages) and starts anew. */
  restart(reason = "Python was restarted.") {
    this.#restart(reason);
  }

  /** culprit: the call that hung or ended Python; it fails rather than being sent again. */
  #restart(reason, culprit = null) {
    const again = [...this.#pending.values()].filter((pending) => pending.retry && pending !== culprit);
    for (const { message } of again) this.#pending.delete(message.id);
    const error = Object.assign(new Error(reason), { restarted: true });
    culprit?.reject(error);
    this.#rejectAll(error);
    for (const pending of again) this.#pending.set(pending.message.id, pending);
    this.#setStatus({ phase: "loading", step: "start", message: "Restarting Python…" });
    this.#replace();
  }

  /** A new worker in place of the current one; the calls waiting for it are sent again. */
  #replace() {
    this.#worker.terminate();
    const again = [...this.#pending.values()];
    this.#start();
    for (const pending of again) {
      pending.began = 0;
      pending.sent = performance.now();
      this.#pending.set(pending.message.id, pending);
      this.#worker.postMessage(pending.message);
    }
  }
}
