// The spans widget's keys: a pure mapping from a KeyboardEvent-like object to an action.

import { labelMatches } from "../shared/label_keys.js";

const LETTERS = { s: "skip", b: "back", z: "undo", u: "unsure", n: "focus_note" };

/**
 * Map a key press to an action: move (dir, extend), label (value), remove, accept, skip,
 * back, undo, unsure, focus_note, clear; null when the key is not ours.
 *
 * @param {object} [where] - `{place}`: "text" (default) or "note" (the note box). In the note
 *   box every key is "typing" (stop propagation only: the browser types it) except Escape and
 *   Enter (without Shift), which leave the box: no label key, no word cursor move.
 */
export function spanKeyAction(event, labels, { place = "text" } = {}) {
  if (!event || event.isComposing || event.keyCode === 229) return null;
  const key = event.key;
  if (place === "note") {
    if (event.ctrlKey || event.metaKey || event.altKey) return { action: "typing" };
    if (key === "Escape" || (key === "Enter" && !event.shiftKey)) return { action: "leave_note" };
    return { action: "typing" };
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return null; // copy, browser keys
  if (key === "ArrowRight" || key === "ArrowLeft") {
    return { action: "move", dir: key === "ArrowRight" ? 1 : -1, extend: Boolean(event.shiftKey) };
  }
  const list = Array.isArray(labels) ? labels : [];
  for (const label of list) if (labelMatches(label, event)) return { action: "label", value: label.value };
  if (key === "Enter") return { action: "accept" };
  if (key === "Delete" || key === "Backspace") return { action: "remove" };
  if (key === "Escape") return { action: "clear" };
  const letter = key && key.length === 1 ? key.toLowerCase() : null;
  if (letter && Object.hasOwn(LETTERS, letter)) return { action: LETTERS[letter] };
  return null;
}
