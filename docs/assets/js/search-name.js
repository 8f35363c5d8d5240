// Material's search dialog (role="dialog") has no accessible name; Lighthouse flags it
// (aria-dialog-name). Name it after what it does, on every page instant navigation shows.
const nameSearch = () => {
  for (const dialog of document.querySelectorAll('.md-search[role="dialog"]:not([aria-label])')) {
    dialog.setAttribute("aria-label", "Search");
  }
};
if (typeof document$ !== "undefined") document$.subscribe(nameSearch);
else nameSearch();
