// The prediction widget: the reader commits to an answer about a race, the navigator runs
// it, and the result from the navigator's events is revealed next to the prediction.
//
//   <section data-ravine-predict data-navigator-id="<navigator id>" data-setup="{navigator:set
//            detail}" data-answer="<index of the right choice>" data-expected="[{label, name,
//            status, step, message}] (the race computed by lesson_code at build time)">
//     <fieldset> radios </fieldset> <button data-action=setup> <button data-action=commit>
//     <p role=status data-feedback>  <details data-reveal>
//   </section>
//
// If Python cannot start, the race cannot run: the widget says so and reveals the result
// lesson_code computed at build time (data-expected) and the explanation.
import { findNavigator } from "./find-navigator.js";
import { getPython } from "./python.js";

const same = (runs, expected) =>
  Array.isArray(runs) && runs.length === expected.length &&
  runs.every((run, i) => run.status === expected[i].status && run.step === expected[i].step);

export function mountPredict(el) {
  const setup = JSON.parse(el.dataset.setup);
  const expected = JSON.parse(el.dataset.expected);
  const answer = Number(el.dataset.answer);
  const radios = [...el.querySelectorAll('input[type="radio"]')];
  const feedback = el.querySelector("[data-feedback]");
  const reveal = el.querySelector("[data-reveal]");
  const setupButton = el.querySelector('[data-action="setup"]');
  const commitButton = el.querySelector('[data-action="commit"]');
  const choiceText = (i) => radios[i].closest("label").textContent.trim();
  const navigator = () => findNavigator(el.dataset.navigatorId);
  let armed = null; // the committed choice, while its race runs

  // Emptied, then written in the next frame, so that a live region says even a repeated
  // message again; but the feedback holding the keyboard focus (below) is written at once:
  // an empty feedback is not displayed (ravine.css), and would hand the focus to the page.
  let saying = 0;
  const say = (text) => {
    cancelAnimationFrame(saying);
    if (feedback === document.activeElement) return void (feedback.textContent = text);
    feedback.textContent = "";
    saying = requestAnimationFrame(() => (feedback.textContent = text));
  };
  const send = (run) => {
    const nav = navigator();
    if (!nav) {
      say("The race navigator is missing from this page, so the race cannot run here.");
      return false;
    }
    nav.dispatchEvent(new CustomEvent("navigator:set", { detail: { ...setup, run } }));
    return nav;
  };

  feedback.tabIndex = -1; // focusable by the script, not a tab stop
  // Until the reader has committed, the answer stays out of sight (it is readable
  // without JavaScript).
  reveal.hidden = true;

  setupButton.addEventListener("click", () => {
    // a committed prediction whose race another one replaced: run its race again, so the
    // verdict comes (the choices stay locked until it does)
    if (armed !== null) {
      if (send(true)) say(`Prediction locked in: ${choiceText(armed)}. The race is running again in the navigator…`);
      return;
    }
    if (send(false)) say("The navigator is set up for this race. Make your prediction, then commit it to run the race.");
  });

  commitButton.addEventListener("click", () => {
    const chosen = radios.findIndex((radio) => radio.checked);
    if (chosen < 0) {
      say("Choose one of the answers first.");
      radios[0].focus();
      return;
    }
    const nav = send(true);
    if (!nav) return;
    armed = chosen;
    const locked = `Prediction locked in: ${choiceText(chosen)}. The race is running in the navigator…`;
    // The button is disabled while the race runs: its keyboard focus goes to the feedback,
    // where the race's result will be said (a disabled button hands the focus to the page),
    // and stays there; the revealed explanation is the next tab stop.
    if (commitButton === document.activeElement) {
      feedback.textContent = locked; // displayed, so it can take the focus
      feedback.focus({ preventScroll: true });
    }
    radios.forEach((radio) => (radio.disabled = true));
    commitButton.disabled = true;
    el.dataset.state = "running";
    say(locked);
    // the plot's top under the header (html scroll-padding-top), Run and the scoreboard below it
    (nav.querySelector(".navigator-figure") ?? nav).scrollIntoView({ block: "start",
      behavior: matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth" });
  });

  const onFinished = (event) => {
    if (armed === null || event.target.id !== el.dataset.navigatorId) return;
    const runs = event.detail?.runs ?? [];
    const results = runs.map((run) => `${run.label}: ${run.message}`).join("; ");
    if (!same(runs, expected)) {
      say(`The navigator ran a different race (${results}). Press “Set up this race” to run this one again.`);
      return;
    }
    const right = armed === answer;
    el.dataset.state = right ? "right" : "wrong";
    say(`${results}. You predicted “${choiceText(armed)}”: ${right ? "right" : `not this time; the answer is “${choiceText(answer)}”`}.`);
    reveal.hidden = false;
    reveal.open = true;
    radios.forEach((radio) => (radio.disabled = false));
    commitButton.disabled = false;
    armed = null;
  };
  // On the navigator itself (the event may not bubble); the checks above make a second
  // delivery harmless.
  // the navigator (or, when it cannot be found, the document) outlives this element:
  // the listener goes with it (el.ravineTeardown, below)
  const finishedTarget = navigator() ?? document;
  finishedTarget.addEventListener("navigator:finished", onFinished);

  // Without Python no race runs: show what it would have shown, from the build.
  const offline = (message) => {
    const results = expected.map((run) => `${run.label}: ${run.message}`).join("; ");
    const verdict = armed === null ? ""
      : ` You predicted “${choiceText(armed)}”: ${armed === answer ? "right" : `not this time; the answer is “${choiceText(answer)}”`}.`;
    if (armed !== null) el.dataset.state = armed === answer ? "right" : "wrong";
    say(`${message} The race cannot run in this page, so here is its result computed when the page was built: ${results}.${verdict}`);
    reveal.hidden = false;
    reveal.open = true;
    radios.forEach((radio) => (radio.disabled = false));
    commitButton.disabled = false;
    armed = null;
  };
  let failed = null;
  const unsubscribe = getPython().onStatus(({ phase, message }) => {
    if (!el.isConnected) return queueMicrotask(() => unsubscribe());
    failed = phase === "error" ? message : null;
    if (failed) offline(failed);
  });
  el.ravineTeardown = () => {
    unsubscribe();
    finishedTarget.removeEventListener("navigator:finished", onFinished);
  };
  // a commit while Python is down: the build's result at once
  commitButton.addEventListener("click", () => failed && armed !== null && offline(failed));
  el.dataset.ready = "true";
}
