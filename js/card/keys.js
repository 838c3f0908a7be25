// The card's keys: a pure mapping from a KeyboardEvent-like object to an action.

import { labelMatches, letterOf } from "../shared/label_keys.js";

export const RESERVED = {
  Enter: "accept",
  s: "skip",
  b: "back",
  z: "undo",
  u: "unsure",
  x: "none_fits",
  n: "focus_note",
  p: "play",
  Escape: "focus_card",
};

/**
 * Map a key press to what the card should do.
 *
 * @param {object} event - KeyboardEvent-like: key, code, isComposing, ctrlKey, metaKey,
 *   altKey, shiftKey.
 * @param {Array} labels - the `labels` trait.
 * @param {object} [where] - `{place}`: "card" (default), "note" (the note box), "form" (the
 *   none-fits form) or "button" (a focused button).
 * @returns {null | {action: string, value?: any, index?: number}} null: not ours, let it go.
 *   action "typing": stop propagation only (the browser types or clicks).
 */
export function keyAction(event, labels, { place = "card", answer = "label" } = {}) {
  if (!event || event.isComposing || event.keyCode === 229) return null;
  const key = event.key;
  // Alt+P plays or pauses from anywhere, so a transcriber can listen again while typing.
  if (event.altKey && event.code === "KeyP" && !event.ctrlKey && !event.metaKey) return { action: "play" };
  if (place === "answer_box") return answerBoxAction(event, answer);
  if (
    answer === "number" &&
    !(event.ctrlKey || event.metaKey || event.altKey) &&
    /^[0-9.,-]$/.test(key || "")
  ) {
    return { action: "type_answer", text: key }; // typed at the card: goes into the box
  }
  if (place === "note" || place === "form") {
    if (event.ctrlKey || event.metaKey || event.altKey) return { action: "typing" };
    if (key === "Escape") return { action: place === "note" ? "leave_note" : "cancel_form" };
    if (key === "Enter" && !event.shiftKey) {
      return { action: place === "note" ? "leave_note" : "submit_form" };
    }
    return { action: "typing" };
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return null; // copy, paste, browser keys
  if (place === "button" && (key === "Enter" || key === " ")) return { action: "typing" };
  const list = Array.isArray(labels) ? labels : [];
  for (let i = 0; i < list.length; i++) {
    if (labelMatches(list[i], event)) {
      return { action: answer === "multi" ? "toggle" : "label", value: list[i].value, index: i };
    }
  }
  if (key === "Enter" && answer === "multi") return { action: "submit_answer" };
  if (key === "Enter" && (answer === "number" || answer === "caption")) {
    return { action: "focus_answer" };
  }
  if (key === "Enter" || key === "Escape") return { action: RESERVED[key] };
  const letter = letterOf(event);
  if (letter && Object.hasOwn(RESERVED, letter)) return { action: RESERVED[letter] };
  return null;
}

/** Keys inside the number or caption box: typing, except Enter (send), Escape, arrows. */
function answerBoxAction(event, answer) {
  const key = event.key;
  if (event.ctrlKey || event.metaKey || event.altKey) return { action: "typing" };
  if (key === "Escape") return { action: "focus_card" };
  if (key === "Enter") {
    if (answer === "caption" && event.shiftKey) return { action: "typing" }; // a new line
    return { action: "submit_answer" };
  }
  if (answer === "number" && (key === "ArrowUp" || key === "ArrowDown")) {
    return { action: "nudge", steps: (key === "ArrowUp" ? 1 : -1) * (event.shiftKey ? 10 : 1) };
  }
  return { action: "typing" };
}
