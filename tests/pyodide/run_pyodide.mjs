// Run a Python script inside Pyodide under Node, with lesson_code from the source tree.
//
// Usage: node tests/pyodide/run_pyodide.mjs SCRIPT.py [--pyodide DIR] [--wheel]
//
// Offline. Pyodide is taken from --pyodide DIR, else build/assets/vendor/pyodide/ (the
// site's vendored core), else node_modules/pyodide/. lesson_code/*.py is written into
// Pyodide's file system (or, with --wheel, the wheel vendored next to the core is
// installed instead). The script's stdout goes to our stderr; when it finishes, the
// value of its global RESULT (a str) is printed on stdout. Exit status 1 on any error.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const CANDIDATES = [
  path.join(ROOT, "build", "assets", "vendor", "pyodide"),
  path.join(ROOT, "node_modules", "pyodide"),
];

function parseArgs(argv) {
  const args = { script: null, dir: null, wheel: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--pyodide") args.dir = argv[++i];
    else if (argv[i] === "--wheel") args.wheel = true;
    else args.script = argv[i];
  }
  if (!args.script) throw new Error("usage: run_pyodide.mjs SCRIPT.py [--pyodide DIR] [--wheel]");
  return args;
}

// A usable core has all of these (a half-written vendor folder is skipped).
const CORE = ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip",
              "pyodide-lock.json"];

function findPyodide(dir) {
  const tried = dir ? [dir] : CANDIDATES;
  const found = tried.find((d) => CORE.every((f) => fs.existsSync(path.join(d, f))));
  if (!found) throw new Error(`Pyodide not found (no complete core, ${CORE.join(", ")}, ` +
                              `in ${tried.join(" or ")}); run \`make setup\` or \`npm ci\``);
  return found;
}

async function installLessonCode(pyodide, dir, wheel) {
  if (wheel) {
    const whl = fs.readdirSync(dir).find((f) => /^lesson_code-.*\.whl$/.test(f));
    if (!whl) throw new Error(`no lesson_code wheel in ${dir}`);
    pyodide.unpackArchive(fs.readFileSync(path.join(dir, whl)), "wheel");
    return whl;
  }
  const src = path.join(ROOT, "lesson_code");
  pyodide.FS.mkdirTree("/lesson_src/lesson_code");
  for (const name of fs.readdirSync(src).filter((f) => f.endsWith(".py"))) {
    pyodide.FS.writeFile(`/lesson_src/lesson_code/${name}`,
                         fs.readFileSync(path.join(src, name), "utf8"));
  }
  pyodide.runPython("import sys; sys.path.insert(0, '/lesson_src')");
  return src;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const dir = findPyodide(args.dir);
  const { loadPyodide } = await import(pathToFileURL(path.join(dir, "pyodide.mjs")).href);
  const pyodide = await loadPyodide({
    indexURL: dir + path.sep,
    stdout: (line) => process.stderr.write(line + "\n"),
    stderr: (line) => process.stderr.write(line + "\n"),
  });
  const source = await installLessonCode(pyodide, dir, args.wheel);
  process.stderr.write(`pyodide: ${dir}\nlesson_code: ${source}\n`);
  const globals = pyodide.toPy({ __name__: "__pyodide_probe__" });
  pyodide.runPython(fs.readFileSync(args.script, "utf8"), { globals });
  const result = globals.get("RESULT");
  if (typeof result !== "string") throw new Error("the script set no str RESULT");
  process.stdout.write(result + "\n");
}

main().catch((err) => {
  process.stderr.write(`run_pyodide: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
