// A reader's edits of the page's cells, kept in localStorage per page and per cell.
//
// One key per page, "ravine:cells:<path>", holds {<cell key>: {code, hash, saved}}:
// the edited code, the hash of the original it was made from (cells_hook.py puts the
// original's hash on the cell) and when it was saved. A stored hash that differs from the
// cell's means the lesson changed since: cells.js asks the reader which to keep.
//
// A damaged key (not JSON, not an object, entries without code) is repaired when first
// read: what can be kept is kept and written back, and damage(page) returns one sentence
// for the reader, once. A write counts as saved only if reading it back gives it.
const PREFIX = "ravine:cells:";
const damaged = new Map(); // page -> the sentence for the reader, until it is taken

function pageKey(page) {
  return PREFIX + page;
}

/** The stored text of a page's key -> {entries: the usable ones, lost: how many entries
 * were unusable, whole: true when nothing of it could be read}. */
function parse(raw) {
  if (raw === null) return { entries: {}, lost: 0, whole: false };
  let value;
  try {
    value = JSON.parse(raw);
  } catch {
    return { entries: {}, lost: 0, whole: true };
  }
  if (value === null) return { entries: {}, lost: 0, whole: false };
  if (typeof value !== "object" || Array.isArray(value)) return { entries: {}, lost: 0, whole: true };
  const entries = {};
  let lost = 0;
  for (const [cell, entry] of Object.entries(value)) {
    if (entry && typeof entry === "object" && typeof entry.code === "string") {
      entries[cell] = { code: entry.code, hash: typeof entry.hash === "string" ? entry.hash : "",
        saved: typeof entry.saved === "string" ? entry.saved : "" };
    } else lost++;
  }
  return { entries, lost, whole: false };
}

function readPage(page) {
  let raw;
  try {
    raw = localStorage.getItem(pageKey(page));
  } catch {
    return {}; // storage blocked: nothing saved
  }
  const { entries, lost, whole } = parse(raw);
  if (whole || lost) {
    const kept = Object.keys(entries).length;
    if (!damaged.has(page)) damaged.set(page, whole ? "Your saved edits on this page could not be read, so they are lost; new edits are saved again."
      : `${lost} of your saved edits on this page could not be read and ${lost > 1 ? "were" : "was"} dropped; `
        + `${kept ? "the others are back" : "nothing else was saved"}. New edits are saved again.`);
    writePage(page, entries); // repaired: the reader is told once, not at every visit
  }
  return entries;
}

function writePage(page, entries) {
  try {
    const text = JSON.stringify(entries);
    if (Object.keys(entries).length) localStorage.setItem(pageKey(page), text);
    else localStorage.removeItem(pageKey(page));
    const back = localStorage.getItem(pageKey(page));
    return Object.keys(entries).length ? back === text : back === null;
  } catch {
    return false; // storage full or blocked
  }
}

/** The saved edit {code, hash, saved} of a cell, or null. */
export function loadEdit(page, cell) {
  const entries = readPage(page);
  return Object.hasOwn(entries, cell) ? entries[cell] : null;
}

/** A sentence about damaged saved edits of this page, once (then null). */
export function damage(page) {
  const text = damaged.get(page) ?? null;
  damaged.set(page, null);
  return text;
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
