// Boots the vendored Pyodide core and reports; the baseline of scripts/bench_navigator.py.
import { loadPyodide } from "../../vendor/pyodide/pyodide.mjs";

loadPyodide({ indexURL: new URL("../../vendor/pyodide/", import.meta.url).href }).then(
  (pyodide) => self.postMessage({ ok: true, version: pyodide.version }),
  (error) => self.postMessage({ ok: false, error: String(error?.message ?? error) }),
);
