// The smoke widget: proves the chain page -> worker -> Pyodide -> lesson_code end to end.
import { getPython } from "./python.js";

export function mountSmoke(el) {
  const statusLine = el.querySelector("[data-status]");
  const output = el.querySelector("[data-output]");
  const python = getPython();
  python.onStatus(({ phase, percent, message }) => {
    statusLine.textContent = phase === "loading" && percent !== null ? `${message} ${percent}%` : message;
  });
  const spec = JSON.parse(el.dataset.ravineSmoke);
  python.lesson("race", spec).then(
    (reply) => {
      output.textContent = reply.ok
        ? reply.result.runs.map((run) => `${run.label}: ${run.message}`).join("; ")
        : `lesson_code refused the race: ${reply.error}`;
    },
    (error) => (output.textContent = error.message),
  );
}
