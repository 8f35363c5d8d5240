// Finding a navigator by its id, for the widgets that drive one (predict.js,
// race-buttons.js). A heading whose slug equals the navigator's id also gets that id, and
// may come first in the document, so document.getElementById can return the heading: look
// among the navigator elements only.
export function findNavigator(id) {
  return [...document.querySelectorAll("[data-navigator]")].find((el) => el.id === id) ?? null;
}
