// The client of the tab's one Python worker (python-worker.js). Module state survives
// Material's instant navigation, so every widget on every page shares one runtime.
//
//   const python = getPython();
//   python.onStatus(({phase, percent, message}) => ...);  // "loading" | "ready" | "error"
//   const reply = await python.lesson("race", {...});     // lesson_code.browser.handle
//   python.restart();                                     // stop runaway code
//   python.send("exec", args, {onStream: (stream, text) => ...});  // output as it comes
// After a restart, pending lesson() calls (pure computations) are sent again to the new
// worker; other pending calls fail with the restart's reason.
let client = null;

export function getPython() {
  client ??= new PythonClient();
  return client;
}

class PythonClient {
  #worker = null;
  #pending = new Map();
  #listeners = new Set();
  #nextId = 1;
  status = { phase: "loading", percent: 0, message: "Loading Python…" };

  constructor() {
    this.#start();
  }

  #start() {
    const worker = new Worker(new URL("./python-worker.js", import.meta.url), { type: "module" });
    worker.onmessage = ({ data }) => (data.type === "status" ? this.#setStatus(data) : this.#settle(data));
    worker.onerror = (event) => {
      event.preventDefault();
      this.#setStatus({ phase: "error", percent: 0, message: `Python could not start: ${event.message || "the worker failed to load"}` });
    };
    this.#worker = worker;
  }

  #setStatus({ phase, percent, message }) {
    this.status = { phase, percent, message };
    document.documentElement.dataset.python = phase; // for CSS, and for the tests
    if (phase === "error") this.#rejectAll(new Error(message));
    for (const listener of this.#listeners) listener(this.status);
  }

  #settle({ id, ok, result, error, stream, text }) {
    const pending = this.#pending.get(id);
    if (!pending) return;
    if (stream) return pending.onStream?.(stream, text);
    this.#pending.delete(id);
    ok ? pending.resolve(result) : pending.reject(new Error(error));
  }

  #rejectAll(error) {
    for (const { reject } of this.#pending.values()) reject(error);
    this.#pending.clear();
  }

  /** Calls `listener(status)` now and on every change; returns an unsubscribe function. */
  onStatus(listener) {
    this.#listeners.add(listener);
    listener(this.status);
    return () => this.#listeners.delete(listener);
  }

  /** Sends one operation to the worker; resolves with its result. onStream(stream, text)
   * receives the op's {stream, text} messages; retry: true re-sends it after a restart. */
  send(op, args = {}, { onStream, retry = false } = {}) {
    if (this.status.phase === "error") return Promise.reject(new Error(this.status.message));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const message = { id, op, args };
      this.#pending.set(id, { resolve, reject, onStream, retry, message });
      this.#worker.postMessage(message);
    });
  }

  /** lesson_code.browser.handle({op, args}); resolves with its reply {ok, result|error}. */
  lesson(op, args = {}) {
    return this.send("call", { op, args }, { retry: true });
  }

  /** Stops whatever runs (there is no interrupt buffer on GitHub Pages) and starts anew. */
  restart(reason = "Python was restarted.") {
    this.#worker.terminate();
    const again = [...this.#pending.values()].filter((pending) => pending.retry);
    for (const { message } of again) this.#pending.delete(message.id);
    this.#rejectAll(new Error(reason));
    this.#setStatus({ phase: "loading", percent: 0, message: "Restarting Python…" });
    this.#start();
    for (const pending of again) {
      this.#pending.set(pending.message.id, pending);
      this.#worker.postMessage(pending.message);
    }
  }
}
