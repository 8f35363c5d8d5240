// The navigator's state in the URL, and the one place that checks a state from outside
// (a link, a navigator:set event). Each navigator owns the query parameter `nav-<id>`:
//
//   ?nav-walkthrough=l:ravine;lr:0.18;b:0.9;x:-8;y:2;o:sgd~momentum;n:300;noise:0;seed:0;sched:constant
//   runs with their own hyperparameters: r:momentum_b0.5~momentum_b0.99 (_lr0.1 too)
//   a schedule with its own parameters: sched:step_every50_factor0.5
//
// Garbled or hostile values are clamped or dropped, each with a sentence for the reader;
// nothing read here ever reaches the page except as text (textContent).
//
// The optimizers (names, labels, which take β, styles, the words for their state's fields)
// and the limits a value must keep to are lesson_code's: lesson_code.navigator.page_data(),
// which scripts/navigator_hook.py writes into each navigator's data-navigator. contractOf
// turns it into what the page uses; nothing here keeps a list of its own. checkState follows
// lesson_code.navigator.navigator_state (tests/test_navigator_contract.py runs both).
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

export const paramName = (id) => `nav-${id}`;
// Characters that reorder, hide or break the text around them: C0 and C1 controls, the
// Arabic letter mark, zero-width characters, bidi marks, embeddings, overrides and
// isolates, line and paragraph separators, the BOM and interlinear annotations.
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/gu;
// ... and half of a character (a lone surrogate), which no font can draw
const ESCAPED = new RegExp(`${HIDDEN.source}|[\\ud800-\\udfff]`, "gu");
/** Text from outside, quoted for a message: its first 40 characters (never half of one),
 * each hidden character (or half of one) written as its escape (\u202e), so that it
 * neither acts on the message nor vanishes from it ("\u202ebowl" is not "bowl"). */
export const show = (value) => `"${Array.from(String(value)).slice(0, 40).join("")
  .replace(/["\\]/g, "\\$&")
  .replace(ESCAPED, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)}"`;
/** `"a", "b", "c" and 7 more` */
const some = (values) => values.slice(0, 3).map(show).join(", ") + (values.length > 3 ? ` and ${values.length - 3} more` : "");

/**
 * lesson_code's data -> {optimizers: names in menu order, labels: name -> label,
 * withBeta: Set of names that take β, styles: name -> style, stateWords: name -> {field:
 * words for the step details}, extra: styles for repeated runs, limits: {lr: [lo, hi],
 * beta, num_steps, runs, noise, seed}, schedules: [{name, label, params}] in menu order,
 * contour: {nx, ny, levels, dir}: the grid's arguments and the folder (from the site's
 * root) where the build wrote each landscape's grid}.
 */
export function contractOf(data) {
  const entries = data.optimizers;
  return {
    optimizers: entries.map((o) => o.name),
    labels: Object.fromEntries(entries.map((o) => [o.name, o.label])),
    withBeta: new Set(entries.filter((o) => o.beta).map((o) => o.name)),
    styles: Object.fromEntries(entries.map((o) => [o.name, o.style])),
    stateWords: Object.fromEntries(entries.map((o) => [o.name, o.state])),
    extra: data.extra_styles,
    limits: data.limits,
    schedules: data.schedules,
    contour: data.contour,
  };
}

/** The name of a state's schedule (a name, or {name, ...params}). */
export const scheduleName = (schedule) => (typeof schedule === "string" ? schedule : schedule.name);

/** A schedule from outside checked: a known name, or {name, param: number}; else null. */
function checkSchedule(value, contract, messages) {
  const name = typeof value === "string" ? value : value && typeof value === "object" ? value.name : undefined;
  const known = contract.schedules.find((s) => s.name === name);
  if (!known) {
    messages.push(`Unknown learning-rate schedule ${show(name ?? value)}; offered: ` +
      `${contract.schedules.map((s) => s.name).join(", ")}. Kept the previous one.`);
    return null;
  }
  if (typeof value === "string") return name;
  const out = { name };
  for (const [key, raw] of Object.entries(value)) {
    if (key === "name") continue;
    const n = known.params.includes(key) ? toNumber(raw) : null;
    if (n === null) messages.push(`Ignored ${show(key)} = ${show(raw)} of the ${name} schedule: ` +
      (known.params.includes(key) ? "not a number." : `it takes ${known.params.join(", ") || "no parameters"}.`));
    else out[key] = n;
  }
  return Object.keys(out).length > 1 ? out : name;
}

/** A number from a string or number, or null. */
export function toNumber(value) {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value !== "string" || !NUMBER.test(value.trim())) return null;
  const n = Number(value.trim());
  return Number.isFinite(n) ? n : null;
}

function clampNumber(value, lo, hi, what, messages, integer = false) {
  let n = toNumber(value);
  if (n === null) {
    messages.push(`${what}: ${show(value)} is not a number; kept the previous value.`);
    return null;
  }
  if (integer && !Number.isInteger(n)) {
    const whole = Math.round(n);
    messages.push(`${what} = ${String(n).slice(0, 24)} is not a whole number; used ${whole}.`);
    n = whole;
  }
  if (n < lo || n > hi) {
    const kept = Math.min(hi, Math.max(lo, n));
    messages.push(`${what} = ${String(n).slice(0, 24)} is outside ${lo}…${hi}; used ${kept}.`);
    return kept;
  }
  return n;
}

/** A run {name, lr?, beta?} checked, or null with a message. */
function checkRun(run, messages, contract) {
  const { optimizers, labels, limits } = contract;
  if (!run || typeof run !== "object" || !optimizers.includes(run.name)) {
    messages.push(`Unknown optimizer ${show(run?.name ?? run)}: left out.`);
    return null;
  }
  const out = { name: run.name };
  if (run.lr !== undefined && run.lr !== null) {
    const lr = clampNumber(run.lr, ...limits.lr, `η of ${labels[run.name]}`, messages);
    if (lr !== null) out.lr = lr;
  }
  if (run.beta !== undefined && run.beta !== null) {
    const beta = clampNumber(run.beta, ...limits.beta, `β of ${labels[run.name]}`, messages);
    if (beta !== null) out.beta = beta;
  }
  return out;
}

/**
 * base + the fields of `input` that pass the checks -> {state, messages, fields}. Fields
 * may be numbers or strings. A new landscape without a start uses that landscape's start.
 * Messages about the noise, its seed and the schedule are in fields.noise, .seed and
 * .schedule (the page shows them beside their controls), the others in messages.
 */
export function checkState(input, base, facts, contract) {
  const { optimizers: OPTIMIZERS, limits } = contract;
  const MAX_RUNS = limits.runs;
  const messages = [], fields = {};
  const state = structuredClone(base);
  if (!input || typeof input !== "object") return { state, messages: ["The request was not an object."], fields };
  if (input.landscape !== undefined) {
    if (Object.hasOwn(facts, input.landscape)) {
      if (input.landscape !== state.landscape) state.start = [...facts[input.landscape].start];
      state.landscape = input.landscape;
    } else {
      messages.push(`Unknown landscape ${show(input.landscape)}; offered: ${Object.keys(facts).join(", ")}.`);
    }
  }
  const lr = input.lr === undefined ? null : clampNumber(input.lr, ...limits.lr, "η", messages);
  if (lr !== null) state.lr = lr;
  const beta = input.beta === undefined ? null : clampNumber(input.beta, ...limits.beta, "β", messages);
  if (beta !== null) state.beta = beta;
  const [[x0, x1], [y0, y1]] = facts[state.landscape].bounds;
  const start = Array.isArray(input.start) ? input.start : [input.x, input.y];
  if (Array.isArray(input.start) && input.start.length !== 2) {
    messages.push("start must be two numbers [x, y]; kept the previous start.");
  } else {
    const x = start[0] === undefined ? null : clampNumber(start[0], x0, x1, "Start x", messages);
    const y = start[1] === undefined ? null : clampNumber(start[1], y0, y1, "Start y", messages);
    if (x !== null) state.start[0] = x;
    if (y !== null) state.start[1] = y;
  }
  if (input.num_steps !== undefined) {
    const n = clampNumber(input.num_steps, ...limits.num_steps, "Steps", messages, true);
    if (n !== null) state.num_steps = n;
  }
  if (input.optimizers !== undefined) {
    const list = Array.isArray(input.optimizers) ? input.optimizers : [];
    const known = [...new Set(list.filter((name) => OPTIMIZERS.includes(name)))];
    const unknown = list.filter((n) => !OPTIMIZERS.includes(n));
    if (unknown.length === 1) messages.push(`Unknown optimizer ${show(unknown[0])}: left out.`);
    else if (unknown.length) messages.push(`Left out ${unknown.length} unknown optimizers: ${some(unknown)}.`);
    if (known.length) {
      state.optimizers = OPTIMIZERS.filter((name) => known.includes(name));
      state.runs = null;
    } else messages.push("No known optimizer was asked for; kept the previous ones.");
  }
  // betas: one β per entry of optimizers, e.g. momentum at β = 0.5 and at β = 0.99
  const runsAsked = input.runs ?? (Array.isArray(input.betas) && Array.isArray(input.optimizers)
    ? input.optimizers.map((name, i) => ({ name, beta: input.betas[i] })) : null);
  if (runsAsked !== undefined && runsAsked !== null) {
    const asked = Array.isArray(runsAsked) ? runsAsked : [];
    if (asked.length > MAX_RUNS) messages.push(`A race has at most ${MAX_RUNS} runs; left out the other ${asked.length - MAX_RUNS}.`);
    const runs = asked.slice(0, MAX_RUNS).map((run) => checkRun(run, messages, contract)).filter(Boolean);
    if (runs.length) {
      state.runs = runs;
      state.optimizers = OPTIMIZERS.filter((name) => runs.some((run) => run.name === name));
    } else messages.push("No usable run was given; kept the previous optimizers.");
  }
  const about = (field, check) => {
    const said = [];
    const value = check(said);
    if (value !== null) state[field] = value;
    if (said.length) fields[field] = said.join(" ");
  };
  if (input.noise !== undefined) about("noise", (said) => clampNumber(input.noise, ...limits.noise, "Gradient noise σ", said));
  if (input.seed !== undefined) about("seed", (said) => clampNumber(input.seed, ...limits.seed, "Seed", said, true));
  if (input.schedule !== undefined) about("schedule", (said) => checkSchedule(input.schedule, contract, said));
  return { state, messages, fields };
}

function encodeSchedule(schedule) {
  if (typeof schedule === "string") return schedule;
  const { name, ...params } = schedule;
  return [name, ...Object.entries(params).map(([key, value]) => `${key}${value}`)].join("_");
}

/** The URL value for a state (only characters that need no escaping). */
export function encodeState(s) {
  const parts = [`l:${s.landscape}`, `lr:${s.lr}`, `b:${s.beta}`, `x:${s.start[0]}`, `y:${s.start[1]}`,
    `o:${s.optimizers.join("~")}`, `n:${s.num_steps}`, `noise:${s.noise}`, `seed:${s.seed}`,
    `sched:${encodeSchedule(s.schedule)}`];
  if (s.runs) {
    parts.push(`r:${s.runs.map((r) => [r.name, r.lr !== undefined ? `lr${r.lr}` : "",
      r.beta !== undefined ? `b${r.beta}` : ""].filter(Boolean).join("_")).join("~")}`);
  }
  return parts.join(";");
}

/** The URL value -> the raw fields checkState takes, plus messages for what was unreadable. */
export function decodeState(text) {
  const fields = {}, messages = [];
  if (text.length > 600) return { fields, messages: ["The link's navigator state is too long; ignored it."] };
  const keys = { l: "landscape", lr: "lr", b: "beta", x: "x", y: "y", n: "num_steps", noise: "noise", seed: "seed" };
  const ignored = [];
  for (const part of text.split(";")) {
    if (!part) continue;
    const colon = part.indexOf(":");
    const key = colon < 0 ? part : part.slice(0, colon), value = colon < 0 ? "" : part.slice(colon + 1);
    if (key in keys) fields[keys[key]] = value;
    else if (key === "o") fields.optimizers = value.split("~");
    else if (key === "sched") {
      const [name, ...bits] = value.split("_");
      const params = {};
      for (const bit of bits) {
        const [, param, number] = /^([a-z]*)(.*)$/.exec(bit);
        params[param] = number;
      }
      fields.schedule = bits.length ? { name, ...params } : name;
    }
    else if (key === "r") {
      fields.runs = value.split("~").map((item) => {
        const [name, ...rest] = item.split("_");
        const run = { name };
        for (const bit of rest) {
          if (bit.startsWith("lr")) run.lr = bit.slice(2);
          else if (bit.startsWith("b")) run.beta = bit.slice(1);
        }
        return run;
      });
    } else ignored.push(key);
  }
  if (ignored.length === 1) messages.push(`Ignored ${show(ignored[0])} in the link: not a navigator setting.`);
  else if (ignored.length) messages.push(`Ignored ${ignored.length} settings in the link that are not navigator settings: ${some(ignored)}.`);
  return { fields, messages };
}

/** The state this navigator's parameter in the current URL asks for, checked. */
export function readUrl(id, base, facts, contract) {
  const text = new URLSearchParams(location.search).get(paramName(id));
  if (text === null) return null;
  const { fields, messages } = decodeState(text);
  const checked = checkState(fields, base, facts, contract);
  return { state: checked.state, messages: [...messages, ...checked.messages], fields: checked.fields };
}

/** Puts the state in this navigator's parameter, keeping every other parameter. */
export function writeUrl(id, state) {
  const key = paramName(id);
  const params = new URLSearchParams(location.search);
  const parts = [];
  for (const [k, v] of params) if (k !== key) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  parts.push(`${key}=${encodeState(state)}`);
  const url = `${location.pathname}?${parts.join("&")}${location.hash}`;
  history.replaceState(history.state, "", url);
}
