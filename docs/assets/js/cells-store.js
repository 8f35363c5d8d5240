// A reader's edits of the page's cells, kept in localStorage per page and per cell.
//
// One key per page, "ravine:cells:<path>", holds {<cell key>: {code, hash, saved}}:
// the edited code, the hash of the original it was made from (cells_hook.py puts the
// original's hash on the cell) and when it was saved. A stored hash that differs from the
// cell's means the lesson changed since: cells.js asks the reader which to keep.
const PREFIX = "ravine:cells:";

function pageKey(page) {
  return PREFIX + page;
}

function readPage(page) {
  try {
    const value = JSON.parse(localStorage.getItem(pageKey(page)) || "{}");
    return value && typeof value === "object" ? value : {};
  } catch {
    return {}; // storage blocked or a corrupt entry: nothing saved
  }
}

function writePage(page, entries) {
  try {
    if (Object.keys(entries).length) localStorage.setItem(pageKey(page), JSON.stringify(entries));
    else localStorage.removeItem(pageKey(page));
    return true;
  } catch {
    return false; // storage full or blocked
  }
}

/** The saved edit {code, hash, saved} of a cell, or null. */
export function loadEdit(page, cell) {
  const entry = readPage(page)[cell];
  return entry && typeof entry.code === "string" ? entry : null;
}

/** Saves a cell's edited code, made from the original whose hash is given; false if the
 * browser refused to store it. */
export function saveEdit(page, cell, code, hash) {
  const entries = readPage(page);
  entries[cell] = { code, hash, saved: new Date().toISOString() };
  return writePage(page, entries);
}

/** Forgets a cell's edit (Reset, or the reader chose the lesson's new version). */
export function dropEdit(page, cell) {
  const entries = readPage(page);
  delete entries[cell];
  return writePage(page, entries);
}
