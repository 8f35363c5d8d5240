// Make the memory snapshot the page's Python starts from (a script, run by the Makefile).
//
// Usage: node scripts/snapshot.mjs <vendored pyodide dir> <out.snapshot.gz>
//
// Boots the vendored Pyodide in Node from the same files the site ships, installs the
// lesson_code wheel registered in its pyodide-lock.json, imports what the worker needs
// (lesson_code.browser and lesson_code.cells), and writes Pyodide's memory snapshot,
// gzipped. The worker (docs/assets/js/python-worker.js) restores it instead of starting
// Python and importing lesson_code itself, and boots plainly when it is missing or fails.
// The snapshot options are Pyodide's private API (pinned version, made from the same
// build: Pyodide refuses a snapshot of another build). It records the wheel's sha256 in
// lesson_code.__wheel_sha256__, so the worker can refuse a snapshot of another wheel.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

process.on("uncaughtException", (error) => {
  console.error(`snapshot: ${error?.message ?? error}`); // not Pyodide's minified source line
  process.exit(1);
});
const [dir, out] = process.argv.slice(2);
if (!dir || !out) {
  console.error("usage: node scripts/snapshot.mjs <vendored pyodide dir> <out.snapshot.gz>");
  process.exit(2);
}
const indexURL = resolve(dir) + "/";
const { loadPyodide } = await import(pathToFileURL(indexURL + "pyodide.mjs").href);
const lock = JSON.parse(readFileSync(indexURL + "pyodide-lock.json", "utf8"));
const wheel = lock.packages["lesson-code"];
if (!wheel) throw new Error(`${indexURL}pyodide-lock.json registers no lesson-code wheel`);

// The wheel is unzipped by Python: loading it as a package (or with unpackArchive) leaves
// JS references in Python's state, which a snapshot cannot hold ("Unexpected hiwire entry").
const pyodide = await loadPyodide({ indexURL, _makeSnapshot: true });
pyodide.FS.writeFile("/tmp/lesson_code.whl", new Uint8Array(readFileSync(indexURL + wheel.file_name)));
pyodide.runPython(`
import site, zipfile
with zipfile.ZipFile("/tmp/lesson_code.whl") as wheel:
    wheel.extractall(site.getsitepackages()[0])
import lesson_code, lesson_code.browser, lesson_code.cells
lesson_code.__wheel_sha256__ = ${JSON.stringify(wheel.sha256)}
`);
const snapshot = pyodide.makeMemorySnapshot();
const packed = gzipSync(snapshot, { level: 9 });
writeFileSync(out, packed);
// its size beside the runtime's (vendor.py's sizes.json), for the page's download progress
const sizesFile = indexURL + "sizes.json";
const sizes = existsSync(sizesFile) ? JSON.parse(readFileSync(sizesFile, "utf8")) : {};
sizes[basename(out)] = packed.length;
writeFileSync(sizesFile, JSON.stringify(sizes, null, 1));
const mb = (n) => (n / 1e6).toFixed(1);
console.log(`snapshot: Pyodide ${pyodide.version} with ${wheel.file_name}: ${mb(snapshot.length)} MB, ${mb(packed.length)} MB gzipped -> ${out}`);
