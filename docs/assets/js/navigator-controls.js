// The navigator's controls: labelled inputs, their checks and messages, the buttons.
// Accessible names (the tests find controls by them):
//   select "Landscape"; slider "Learning rate" + text box "Learning rate value";
//   slider "Momentum β" + text box "Momentum β value"; text boxes "Start x", "Start y",
//   "Steps"; group "Optimizers" with a check box per registered optimizer, named by its
//   label ("GD", "Momentum", "Nesterov", "RMSProp", "Adam": lesson_code's registry, handed
//   over as `contract`, see navigator-url.js contractOf); buttons "Run", "Pause", "Step",
//   "Reset", "Copy as Python"; with `noiseAndSchedule`, the number box "Gradient noise"
//   (σ), the button "New noise" (a new seed, and a run) and the select "Learning-rate
//   schedule" (lesson_code's schedules, by their labels).
// Controls report checked values through onChange(patch, {live, typing}); a bad value gets
// a message next to its control and changes nothing. A text box is raced as it is typed,
// whenever its whole text is a valid value (onChange with `typing`: the box's name); a
// text that is not (refused, or not finished: "1e", "-") calls onRevert(name, keys, {live}):
// the settings it sets go back to what they were before the typing began, so a race is
// never run at a prefix of what the reader is typing.
import { scheduleName, toNumber } from "./navigator-url.js";

const h = (tag, props = {}, ...children) => {
  const el = Object.assign(document.createElement(tag), props);
  el.append(...children);
  return el;
};
/** Three significant digits, as a plain string an input accepts. */
export const fmt = (n) => String(Number(Number(n).toPrecision(3)));
const minus = (text) => String(text).replace(/-/g, "−");
// lesson_code's refusals name the argument at fault (ArgumentError.field, listed in
// lesson_code/browser.py); the message goes beside the control that sets it.
const MESSAGE_OF_FIELD = { lr: "lr", beta: "beta", start: "start", num_steps: "start",
  landscape: "landscape", optimizers: "optimizers", noise: "noise", seed: "noise", schedule: "schedule" };

/**
 * The values of η ("lr") or β ("beta") the race's runs actually use: a run's own value,
 * else the shared one; only runs that take β count for β. Distinct, in run order.
 */
export function usedValues(state, key, contract) {
  const runs = state.runs ?? state.optimizers.map((name) => ({ name }));
  const used = runs.filter((run) => key !== "beta" || contract.withBeta.has(run.name)).map((run) => run[key] ?? state[key]);
  return [...new Set(used)];
}

export function buildControls(root, { id, facts, contract, noiseAndSchedule = false, onChange, onRevert, onAction }) {
  const { optimizers: OPTIMIZERS, labels: LABELS } = contract;
  const LR_RANGE = contract.limits.lr, MAX_STEPS = contract.limits.num_steps[1];
  const LOG_LR = LR_RANGE.map(Math.log10);
  const ids = (name) => `${id}-${name}`;
  const messages = {};
  // Each message is a polite live region (a screen reader hears it when it is said) and the
  // error message of the controls it is about (aria-errormessage, while they are invalid).
  const message = (name) => (messages[name] = h("p", { className: "navigator-msg", id: ids(`${name}-msg`),
    ariaLive: "polite" }));
  const field = (cls, ...children) => h("div", { className: `navigator-field ${cls}` }, ...children);

  const landscape = h("select", { id: ids("landscape") });
  for (const [name, fact] of Object.entries(facts)) landscape.append(h("option", { value: name, textContent: fact.title }));

  const lrSlider = h("input", { type: "range", id: ids("lr"), min: LOG_LR[0], max: LOG_LR[1], step: 0.001 });
  const lrBox = h("input", { type: "text", inputMode: "decimal", id: ids("lr-value"), autocomplete: "off", size: 7 });
  lrBox.setAttribute("aria-label", "Learning rate value");
  const marks = h("div", { className: "navigator-marks", ariaHidden: "true" });
  const limits = h("p", { className: "navigator-limits", id: ids("limits") });
  lrSlider.setAttribute("aria-describedby", ids("limits"));

  const betaSlider = h("input", { type: "range", id: ids("beta"), min: 0, max: 0.999, step: 0.001 });
  const betaBox = h("input", { type: "text", inputMode: "decimal", id: ids("beta-value"), autocomplete: "off", size: 7 });
  betaBox.setAttribute("aria-label", "Momentum β value");

  const startX = h("input", { type: "text", inputMode: "decimal", id: ids("x"), autocomplete: "off", size: 6 });
  const startY = h("input", { type: "text", inputMode: "decimal", id: ids("y"), autocomplete: "off", size: 6 });
  const steps = h("input", { type: "text", inputMode: "numeric", id: ids("steps"), autocomplete: "off", size: 6 });

  const toggles = {};
  const group = h("fieldset", { className: "navigator-optimizers" }, h("legend", { textContent: "Optimizers" }));
  for (const name of OPTIMIZERS) {
    toggles[name] = h("input", { type: "checkbox", id: ids(`opt-${name}`), value: name });
    group.append(h("label", { className: "navigator-toggle", htmlFor: ids(`opt-${name}`) }, toggles[name],
      ` ${LABELS[name]}`));
  }
  group.append(message("optimizers"));
  group.setAttribute("aria-describedby", ids("optimizers-msg"));

  // Run, Pause, Step, Reset and Copy as Python are in the page's HTML (navigator_hook.py
  // BUTTONS), disabled until now: nothing is inserted above the navigator's lower part.
  const row = root.querySelector("[data-nav-buttons]");
  if (!row) throw new Error("the navigator's HTML has no buttons row (scripts/navigator_hook.py)");
  const buttons = {};
  for (const button of row.querySelectorAll("button[data-action]")) {
    buttons[button.dataset.action] = button;
    button.addEventListener("click", () => onAction(button.dataset.action));
    button.disabled = false;
  }
  const copyArea = h("textarea", { className: "navigator-copy", readOnly: true, rows: 10, hidden: true, id: ids("copy") });
  copyArea.setAttribute("aria-label", "Python code for this race");

  // Noisy gradients and a learning-rate schedule (lesson_code.run's noise, seed, schedule).
  const NOISE_RANGE = contract.limits.noise;
  const noiseBox = h("input", { type: "number", id: ids("noise"), min: NOISE_RANGE[0], max: NOISE_RANGE[1],
    step: "any", inputMode: "decimal", autocomplete: "off" });
  const newNoise = h("button", { type: "button", className: "md-button navigator-button", textContent: "New noise",
    onclick: () => onAction("newNoise") });
  const seedNote = h("span", { className: "navigator-seed", id: ids("seed") });
  newNoise.setAttribute("aria-describedby", ids("seed"));
  const schedule = h("select", { id: ids("schedule") });
  for (const s of contract.schedules) schedule.append(h("option", { value: s.name, textContent: s.label }));
  const noiseMsg = message("noise"), scheduleMsg = message("schedule"); // in the page only with the controls

  const label = (forId, text) => h("label", { htmlFor: ids(forId), textContent: text });
  const pair = (...children) => h("span", { className: "navigator-pair" }, ...children);
  const unit = (text) => h("span", { className: "navigator-unit", ariaHidden: "true", textContent: text });
  const panel = h("div", { className: "navigator-controls" },
    field("navigator-landscape", label("landscape", "Landscape"), landscape, message("landscape")),
    field("navigator-lr", label("lr", "Learning rate"),
      h("div", { className: "navigator-row" }, h("div", { className: "navigator-slider" }, lrSlider, marks),
        unit("η ="), lrBox), limits, message("lr")),
    field("navigator-beta", label("beta", "Momentum β"), h("div", { className: "navigator-row" },
      h("div", { className: "navigator-slider" }, betaSlider), unit("β ="), betaBox), message("beta")),
    field("navigator-start", pair(label("x", "Start x"), startX), pair(label("y", "Start y"), startY),
      pair(label("steps", "Steps"), steps), message("start")),
    group,
    ...(noiseAndSchedule ? [
      field("navigator-noise", label("noise", "Gradient noise"), h("div", { className: "navigator-row" },
        unit("σ ="), noiseBox, newNoise, seedNote), noiseMsg),
      field("navigator-schedule", label("schedule", "Learning-rate schedule"), schedule, scheduleMsg),
    ] : []),
    message("copy"), copyArea);
  const described = { lr: lrBox, beta: betaBox, start: startX, landscape, steps, noise: noiseBox, schedule };
  for (const [name, input] of Object.entries({ ...described, y: startY })) {
    const msg = name === "y" || name === "steps" ? "start" : name;
    input.setAttribute("aria-describedby", [input.getAttribute("aria-describedby"), ids(`${msg}-msg`)].filter(Boolean).join(" "));
  }
  root.append(panel);

  const inputsOf = { lr: [lrBox], beta: [betaBox], start: [startX, startY, steps], landscape: [landscape],
    noise: [noiseBox], schedule: [schedule] };
  /**
   * Says text in the message line `name` ("" clears it). The controls it is about (at:
   * those at fault; default: every control of that line) are marked invalid while it is
   * said, with it as their error message.
   */
  const show = (name, text, at = inputsOf[name] ?? []) => {
    messages[name].classList.remove("navigator-ok");
    messages[name].textContent = text; // text only: nothing from outside becomes HTML
    for (const input of inputsOf[name] ?? []) {
      if (text && at.includes(input)) {
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-errormessage", messages[name].id);
      } else {
        input.removeAttribute("aria-invalid");
        input.removeAttribute("aria-errormessage");
      }
    }
  };
  // A success note fades (ravine.css) and then goes, so it never outlives its moment.
  messages.copy.removeAttribute("aria-live");
  messages.copy.setAttribute("role", "status");
  messages.copy.addEventListener("animationend", () => {
    if (messages.copy.classList.contains("navigator-ok")) show("copy", "");
  });
  let bounds = null;
  let lrCeiling = 1; // End on the η slider: the race's largest stability limit (setLimits)

  // The sliders by keyboard: steps a reader can feel (a native step would be 0.1%).
  const LR_KEYS = { ArrowRight: 0.025, ArrowUp: 0.025, ArrowLeft: -0.025, ArrowDown: -0.025,
    PageUp: 0.2, PageDown: -0.2 }; // decades: ×1.06 per arrow, ×1.58 per page
  const BETA_KEYS = { ArrowRight: 0.01, ArrowUp: 0.01, ArrowLeft: -0.01, ArrowDown: -0.01,
    PageUp: 0.1, PageDown: -0.1 };
  // A step from the value raced: the box's, when it holds a valid one, else the slider's
  // (the box is empty for a race with an η per run, or holds text that was refused).
  lrSlider.addEventListener("keydown", (event) => {
    const now = readLr()[0] ?? 10 ** Number(lrSlider.value);
    let lr;
    if (event.key in LR_KEYS) lr = 10 ** (Math.log10(now) + LR_KEYS[event.key]);
    else if (event.key === "Home") lr = LR_RANGE[0];
    else if (event.key === "End") lr = lrCeiling;
    else return;
    event.preventDefault();
    lr = Number(fmt(Math.min(LR_RANGE[1], Math.max(LR_RANGE[0], lr))));
    lrBox.value = fmt(lr);
    show("lr", "");
    onChange({ lr }, { live: false });
  });
  betaSlider.addEventListener("keydown", (event) => {
    const now = readBeta()[0] ?? Number(betaSlider.value);
    let beta;
    if (event.key in BETA_KEYS) beta = now + BETA_KEYS[event.key];
    else if (event.key === "Home") beta = 0;
    else if (event.key === "End") beta = 0.99;
    else return;
    event.preventDefault();
    beta = Number(Math.min(0.99, Math.max(0, beta)).toFixed(3));
    betaBox.value = String(beta);
    show("beta", "");
    onChange({ beta }, { live: false });
  });

  // η: log-scale slider, and a text box for the exact value.
  lrSlider.addEventListener("input", () => {
    const lr = Number(fmt(10 ** Number(lrSlider.value)));
    lrBox.value = fmt(lr);
    show("lr", "");
    onChange({ lr }, { live: true });
  });
  const readLr = () => {
    const lr = toNumber(lrBox.value);
    if (lr === null) return [null, "Type a number for η, such as 0.18."];
    if (lr <= 0) return [null, "η must be positive."];
    if (lr < LR_RANGE[0] || lr > LR_RANGE[1]) return [null, `η must be from ${LR_RANGE[0]} to ${LR_RANGE[1]}.`];
    return [lr, ""];
  };
  const readBeta = () => {
    const beta = toNumber(betaBox.value);
    if (beta === null) return [null, "Type a number for β, such as 0.9."];
    if (beta >= 1) return [null, "β must be below 1: at β = 1 the velocity never forgets, above 1 it blows up."];
    if (beta < 0) return [null, "β cannot be negative."];
    return [beta, ""];
  };
  const readStart = () => {
    const [[x0, x1], [y0, y1]] = bounds;
    const x = toNumber(startX.value), y = toNumber(startY.value), n = toNumber(steps.value);
    // the third item: the box at fault
    if (x === null) return [null, "Type a number for Start x.", [startX]];
    if (y === null) return [null, "Type a number for Start y.", [startY]];
    if (x < x0 || x > x1) return [null, `Start x must be inside the plot, from ${minus(x0)} to ${minus(x1)}.`, [startX]];
    if (y < y0 || y > y1) return [null, `Start y must be inside the plot, from ${minus(y0)} to ${minus(y1)}.`, [startY]];
    if (n === null || !Number.isInteger(n) || n < 1 || n > MAX_STEPS) {
      return [null, `Steps must be a whole number from 1 to ${MAX_STEPS}.`, [steps]];
    }
    return [{ start: [x, y], num_steps: n }, ""];
  };
  // keys: the state's fields the box sets (a run's own η or β goes when the box sets one
  // for every run, and comes back with the rest when the typing is undone).
  const refused = new Set(); // the boxes left holding text that was refused
  const typed = (box, read, name, keys, patch) => {
    box.addEventListener("input", () => {
      const [value, problem] = read();
      if (problem) return onRevert(name, keys, { live: true }); // said once the reader leaves the box
      refused.delete(box);
      show(name, "");
      onChange(patch(value), { live: true, typing: name });
    });
    box.addEventListener("change", () => {
      const [value, problem, at] = read();
      show(name, problem, at);
      if (problem) refused.add(box);
      else refused.delete(box);
      if (problem) onRevert(name, keys, { live: false });
      else onChange(patch(value), { live: false });
    });
  };
  typed(lrBox, readLr, "lr", ["lr", "runs"], (lr) => {
    lrSlider.value = Math.log10(lr);
    return { lr };
  });
  typed(betaBox, readBeta, "beta", ["beta", "runs"], (beta) => {
    betaSlider.value = Math.min(0.999, beta);
    return { beta };
  });
  for (const box of [startX, startY, steps]) typed(box, readStart, "start", ["start", "num_steps"], (value) => value);
  const readNoise = () => {
    const text = noiseBox.value.trim();
    // a number box holds "" for text that is not a number (the browser's parse failed)
    const noise = toNumber(text);
    if (noise === null) return [null, "Type a number for the gradient noise σ, such as 0.5 (0: exact gradients)."];
    if (noise < 0) return [null, "σ cannot be negative: it is the standard deviation of the noise added to each gradient."];
    if (noise > NOISE_RANGE[1]) return [null, `σ must be at most ${NOISE_RANGE[1]}.`];
    return [noise, ""];
  };
  typed(noiseBox, readNoise, "noise", ["noise"], (noise) => ({ noise }));
  schedule.addEventListener("change", () => {
    show("schedule", "");
    onChange({ schedule: schedule.value }, { live: false });
  });

  betaSlider.addEventListener("input", () => {
    betaBox.value = String(Number(betaSlider.value));
    show("beta", "");
    onChange({ beta: Number(betaSlider.value) }, { live: true });
  });
  landscape.addEventListener("change", () => onChange({ landscape: landscape.value }, { live: false }));
  for (const box of Object.values(toggles)) {
    box.addEventListener("change", () => {
      const chosen = OPTIMIZERS.filter((name) => toggles[name].checked);
      if (!chosen.length) {
        box.checked = true;
        show("optimizers", "Keep at least one optimizer in the race.");
        return;
      }
      show("optimizers", "");
      onChange({ optimizers: chosen }, { live: false });
    });
  }

  const inputs = [landscape, lrSlider, lrBox, betaSlider, betaBox, startX, startY, steps,
    ...Object.values(toggles), ...Object.values(buttons), noiseBox, newNoise, schedule];
  return {
    buttons,
    copyArea,
    show,
    /** Shows text beside the control that sets lesson_code's `field`; false if none does. */
    /** Shows a success in the message line `name`, in its own colour; it fades away. */
    showOk(name, text) {
      show(name, "");
      void messages[name].offsetWidth; // restart the fade for a second success in a row
      messages[name].classList.add("navigator-ok");
      messages[name].textContent = text;
    },
    showField(field, text) {
      let name = typeof field === "string" && Object.hasOwn(MESSAGE_OF_FIELD, field) ? MESSAGE_OF_FIELD[field] : null;
      if (!noiseAndSchedule && (name === "noise" || name === "schedule")) name = null; // not on this page
      // start: the start's boxes are at fault, num_steps: the steps' box, seed: no control
      const at = { start: [startX, startY], num_steps: [steps], seed: [] }[field];
      if (name) show(name, text, at);
      return name !== null;
    },
    /**
     * Shows state in every control (without firing their events). A text box keeps what the
     * reader is typing in it, or has just typed (keep: its name, "start" for the start's and
     * the steps' boxes): the text stays to be corrected beside its message. A box that held
     * refused text and is given the state's value loses the message about that text.
     */
    reflect(state, { keep = null } = {}) {
      bounds = facts[state.landscape].bounds;
      landscape.value = state.landscape;
      const put = (box, name, text) => {
        if (document.activeElement === box || keep === name || box.value === text) return;
        box.value = text;
        if (refused.delete(box)) show(name, "");
      };
      // A race whose runs carry their own η or β (β = 0.5 against 0.99) shows "per run"
      // in that box, and moving its control sets one value for every run again.
      const lrs = usedValues(state, "lr", contract), betas = usedValues(state, "beta", contract);
      const lr = lrs.length === 1 ? lrs[0] : state.lr, beta = betas.length === 1 ? betas[0] : state.beta;
      put(lrBox, "lr", lrs.length > 1 ? "" : fmt(lr));
      lrBox.placeholder = lrs.length > 1 ? "per run" : "";
      lrSlider.value = Math.log10(lr);
      lrSlider.setAttribute("aria-valuetext", lrs.length > 1 ? `η per run: ${lrs.map(fmt).join(" and ")}` : `η = ${fmt(lr)}`);
      put(betaBox, "beta", betas.length > 1 ? "" : String(beta));
      betaBox.placeholder = betas.length > 1 ? "per run" : "";
      betaSlider.value = Math.min(0.999, beta);
      betaSlider.setAttribute("aria-valuetext", betas.length > 1 ? `β per run: ${betas.join(" and ")}` : `β = ${beta}`);
      put(startX, "start", String(state.start[0]));
      put(startY, "start", String(state.start[1]));
      put(steps, "start", String(state.num_steps));
      for (const name of OPTIMIZERS) toggles[name].checked = state.optimizers.includes(name);
      put(noiseBox, "noise", String(state.noise));
      seedNote.textContent = `seed ${state.seed}`;
      schedule.value = scheduleName(state.schedule);
    },
    /**
     * The schedule menu's option `name` says `words` (the schedule raced, with its own
     * parameters); every other option its registry label.
     */
    labelSchedule(name, words) {
      for (const option of schedule.options) {
        const text = option.value === name ? words : contract.schedules.find((s) => s.name === option.value).label;
        if (option.textContent !== text) option.textContent = text;
      }
    },
    /** Marks 2/λ_max and (2 + 2β)/λ_max on the η track, from the race's limits. */
    setLimits(found, lr, state) {
      marks.replaceChildren();
      const where = (lr) => (Math.log10(lr) - LOG_LR[0]) / (LOG_LR[1] - LOG_LR[0]);
      const items = [["gd", "2/λ_max", "gradient descent"], ["momentum", "(2+2β)/λ_max", "momentum"],
        ["nesterov", "Nesterov's limit", "Nesterov"]].filter(([key]) => found?.[key]);
      for (const [key, formula] of items) {
        const p = where(found[key]);
        if (p < 0 || p > 1) continue;
        const mark = h("span", { className: `navigator-mark navigator-mark-${key}`, title: `${formula} = ${fmt(found[key])}` });
        mark.style.left = `calc(8px + (100% - 16px) * ${p})`;
        marks.append(mark);
      }
      limits.textContent = items.length
        ? `Stable below: ${items.map(([key, formula, who]) => `${who} η < ${fmt(found[key])} (${formula})`).join("; ")}.`
        : found?.note ?? "This surface's curvature changes from place to place: no single stability limit for η.";
      if (found?.gd && lr > found.gd) limits.textContent += " The current η is past gradient descent's limit.";
      // lesson_code gives momentum's and Nesterov's limits for the first such run's β
      const runs = state?.runs ?? [];
      const own = (name) => [...new Set(runs.filter((run) => run.name === name).map((run) => run.beta ?? state.beta))];
      for (const [key, name, who] of [["momentum", "momentum", "momentum"], ["nesterov", "nesterov", "Nesterov"]]) {
        const betas = own(name);
        if (found?.[key] && betas.length > 1) {
          limits.textContent += ` The ${who} limit is for β = ${betas[0]}, the first ${who} run's; at β = ${betas.slice(1).join(", ")} it is another.`;
        }
      }
      // End goes no further than the largest limit, just below it (a stable race for one)
      const top = Math.max(...items.map(([key]) => found[key]));
      lrCeiling = items.length ? Number(fmt(top * 0.99)) : 1;
    },
    setEnabled(on) {
      for (const input of inputs) input.disabled = !on;
    },
  };
}
