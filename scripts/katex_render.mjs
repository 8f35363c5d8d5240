// Renders TeX to HTML with the npm package katex, for scripts/katex_hook.py: one
// process per site build. Reads one JSON request per line on stdin,
// {"tex": "...", "display": true|false}, and writes one JSON reply per line on stdout,
// {"html": "..."} or {"error": "..."}, in the same order.
import { createInterface } from "node:readline";
import katex from "katex";

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  let reply;
  try {
    const { tex, display } = JSON.parse(line);
    reply = { html: katex.renderToString(tex, { displayMode: display, throwOnError: true, output: "htmlAndMathml" }) };
  } catch (error) {
    reply = { error: String(error.message ?? error) };
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
}
