// The benchmark's baseline page (docs/dev/bare.md): boot the same Pyodide core in a
// module worker and nothing else; window.bareReady is the time (ms since navigation).
const line = document.querySelector("[data-bare-status]");
if (line) {
  line.textContent = "Loading the Pyodide core…";
  const worker = new Worker(new URL("./navigator-bench-bare-worker.js", import.meta.url), { type: "module" });
  worker.onmessage = ({ data }) => {
    window.bareReady = performance.now();
    line.textContent = data.ok ? `Pyodide ${data.version} ready.` : `Pyodide failed: ${data.error}`;
  };
  worker.onerror = (event) => {
    event.preventDefault();
    line.textContent = `The worker failed: ${event.message || "it could not load"}`;
  };
}
