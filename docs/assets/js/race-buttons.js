// "Set up this race" buttons: <button data-ravine-race='{"navigator": id, "detail": {...}}'>
// sends the navigator with that id a navigator:set event (the navigator resets to the
// detail's state and, with run: true, runs it), then brings the navigator into view.
import { findNavigator } from "./find-navigator.js";

export function mountRaceButton(button) {
  let spec;
  try {
    spec = JSON.parse(button.dataset.ravineRace);
  } catch (error) {
    button.disabled = true;
    button.title = `This button's race is not valid JSON: ${error.message}`;
    return;
  }
  button.addEventListener("click", () => {
    const target = findNavigator(spec.navigator);
    if (!target) return;
    target.dispatchEvent(new CustomEvent("navigator:set", { detail: spec.detail }));
    const reduce = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    target.scrollIntoView({ behavior: reduce ? "auto" : "smooth", block: "start" });
  });
}
