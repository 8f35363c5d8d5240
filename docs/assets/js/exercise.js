// The exercise widget: checks a typed number against the answer lesson_code computed at
// build time (scripts/lesson_hook.py puts it in data-answer). No Python runs here.
//
//   <section data-ravine-exercise data-answer data-tolerance data-answer-text data-unit>
//     <form data-form> <input> <button type=submit> </form>
//     <p role=status data-feedback>   <details data-solution>
//   </section>
//
// A multiple-choice exercise (data-choices) has a radio group instead of the number box;
// data-answer is the index of the right choice.

// Thousands groups: 1,000 / 1 000 (also no-break and thin spaces) / 12,345.5 / 1,000,000.
const GROUPED = /^[-+]?[1-9]\d{0,2}((,\d{3})+|([ \u00a0\u202f]\d{3})+)(\.\d*)?$/;

/**
 * The number a reader typed, or null: accepts "2.5", "2,5", "−3", "1e-3", "3/4" and
 * thousands separators ("1,000", "1 000", "12,345.5"). A comma followed by exactly three
 * digits is a thousands separator ("1,000" is a thousand, not 1.0); any other single comma
 * is a decimal comma ("2,5", "0,125"). Spaces inside a number are allowed only between
 * thousands groups.
 */
export function parseNumber(text) {
  let clean = String(text).trim().replace(/[\u2212\u2013]/g, "-");
  if (GROUPED.test(clean)) clean = clean.replace(/[, \u00a0\u202f]/g, "");
  else if (/\d[\s\u00a0\u202f]+\d/.test(clean)) return null; // "1 5": which number?
  clean = clean.replace(/\s+/g, "");
  if (!clean) return null;
  if (clean.includes(",") && clean.includes(".")) return null; // "1,5.2"
  const decimal = clean.replace(",", ".");
  const number = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
  if (number.test(decimal)) return Number(decimal);
  const fraction = decimal.match(/^([-+]?\d+\.?\d*)\/(\d+\.?\d*)$/);
  if (fraction && Number(fraction[2]) !== 0) return Number(fraction[1]) / Number(fraction[2]);
  return null;
}

/** The verdict on one attempt: {kind: "empty" | "invalid" | "right" | "high" | "low", message}. */
export function judge(text, { answer, tolerance, answerText, unit }) {
  const value = parseNumber(text);
  const within = `within ±${tolerance}${unit ? ` ${unit}` : ""}`;
  // how a typed separator was read, so "1,000" read as 1000 is never a silent surprise
  const typed = String(text).trim();
  const shown = value !== null && /[,\s]/.test(typed) ? `${typed} (read as ${value})` : typed;
  if (!String(text).trim()) {
    return { kind: "empty", message: "Type a number first, for example 12.5, then press Check." };
  }
  if (value === null || !Number.isFinite(value)) {
    return {
      kind: "invalid",
      message: `“${String(text).trim()}” is not a number I can read. Type digits such as 12.5 or −0.3 (a fraction such as 3/4 works too; 1,000 and 1 000 are a thousand).`,
    };
  }
  // A hair of slack so that a typed boundary value is not lost to rounding.
  if (Math.abs(value - answer) <= tolerance * (1 + 1e-9)) {
    return {
      kind: "right",
      message: `Right: ${shown} is ${within} of the exact value, ${answerText}${unit ? ` ${unit}` : ""}. The worked solution is open below.`,
    };
  }
  const kind = value > answer ? "high" : "low";
  return {
    kind,
    message: `Not yet: ${shown} is too ${kind}; the answer must be ${within} of the exact value. Try again, or open the hint.`,
  };
}

/** The verdict on one choice (its index, or null when none is chosen). */
export function judgeChoice(index, { answer, answerText }) {
  if (index === null) {
    return { kind: "empty", message: "Choose one of the answers first, then press Check." };
  }
  if (index === answer) {
    return { kind: "right", message: `Right: ${answerText}. The worked solution is open below.` };
  }
  return { kind: "wrong", message: "Not yet: that is not it. Try another answer, or open the hint." };
}

export function mountExercise(el) {
  if (el.dataset.choices) return mountChoices(el);
  const form = el.querySelector("[data-form]");
  const input = form.querySelector("input");
  const feedback = el.querySelector("[data-feedback]");
  const solution = el.querySelector("[data-solution]");
  const expected = {
    answer: Number(el.dataset.answer),
    tolerance: Number(el.dataset.tolerance),
    answerText: el.dataset.answerText,
    unit: el.dataset.unit,
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const verdict = judge(input.value, expected);
    el.dataset.state = verdict.kind;
    // Re-set the text even when it is unchanged, so a screen reader announces it again.
    feedback.textContent = "";
    requestAnimationFrame(() => (feedback.textContent = verdict.message));
    input.setAttribute("aria-invalid", String(verdict.kind !== "right"));
    if (verdict.kind === "right") solution.open = true;
    else if (verdict.kind === "empty" || verdict.kind === "invalid") input.focus();
  });
  el.dataset.ready = "true";
}

function mountChoices(el) {
  const form = el.querySelector("[data-form]");
  const feedback = el.querySelector("[data-feedback]");
  const solution = el.querySelector("[data-solution]");
  const radios = [...form.querySelectorAll("input[type=radio]")];
  const expected = { answer: Number(el.dataset.answer), answerText: el.dataset.answerText };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = radios.find((radio) => radio.checked);
    const verdict = judgeChoice(chosen ? Number(chosen.value) : null, expected);
    el.dataset.state = verdict.kind;
    feedback.textContent = "";
    requestAnimationFrame(() => (feedback.textContent = verdict.message));
    if (verdict.kind === "right") solution.open = true;
    else (chosen ?? radios[0]).focus();
  });
  el.dataset.ready = "true";
}
