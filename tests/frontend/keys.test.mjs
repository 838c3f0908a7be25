// The key handler: a pure mapping from a KeyboardEvent-like object to an action.
import assert from "node:assert/strict";
import { test } from "node:test";

import { keyAction } from "../../js/card/keys.js";

const LABELS = [
  { value: "ham", display: "Ham", key: "1", code: "Digit1" },
  { value: "spam", display: "Spam", key: "2", code: "Digit2" },
  { value: "other", display: "Other", key: "o", code: null },
];

const press = (key, code, extra = {}) => ({ key, code, isComposing: false, ...extra });

test("digit labels match on event.code, so they work on any layout", () => {
  assert.deepEqual(keyAction(press("1", "Digit1"), LABELS), { action: "label", value: "ham", index: 0 });
  // AZERTY: the "1" key gives "&" without Shift
  assert.deepEqual(keyAction(press("&", "Digit1"), LABELS), { action: "label", value: "ham", index: 0 });
  assert.equal(keyAction(press("2", "Numpad2"), LABELS).value, "spam");
  // matching is by physical key: a "1" from another key is not label 1
  assert.equal(keyAction(press("1", "KeyQ"), LABELS), null);
});

test("letter labels match on event.key, either case", () => {
  assert.equal(keyAction(press("o", "KeyO"), LABELS).value, "other");
  assert.equal(keyAction(press("O", "KeyO", { shiftKey: true }), LABELS).value, "other");
});

test("reserved keys map to their actions", () => {
  const actions = ["Enter", "s", "b", "z", "u", "x", "n", "Escape"].map(
    (k) => keyAction(press(k, k.length === 1 ? `Key${k.toUpperCase()}` : k), LABELS).action,
  );
  assert.deepEqual(actions, ["accept", "skip", "back", "undo", "unsure", "none_fits", "focus_note", "focus_card"]);
});

test("reserved letters work on a non-Latin layout through event.code", () => {
  assert.equal(keyAction(press("ы", "KeyS"), LABELS).action, "skip");
  assert.equal(keyAction(press("я", "KeyZ"), LABELS).action, "undo");
});

test("keys are ignored while an input method is composing", () => {
  assert.equal(keyAction(press("1", "Digit1", { isComposing: true }), LABELS), null);
  assert.equal(keyAction(press("Process", "Digit1", { keyCode: 229 }), LABELS), null);
  assert.equal(keyAction(press("Enter", "Enter", { isComposing: true }), LABELS, { place: "note" }), null);
});

test("modifier combinations are left alone so copy and paste work", () => {
  for (const mod of ["ctrlKey", "metaKey", "altKey"]) {
    assert.equal(keyAction(press("c", "KeyC", { [mod]: true }), LABELS), null);
    assert.equal(keyAction(press("1", "Digit1", { [mod]: true }), LABELS), null);
  }
});

test("typing in the note box never fires a label; Escape and Enter leave it", () => {
  for (const [key, code] of [["1", "Digit1"], ["s", "KeyS"], ["o", "KeyO"], ["z", "KeyZ"]]) {
    assert.deepEqual(keyAction(press(key, code), LABELS, { place: "note" }), { action: "typing" });
  }
  assert.equal(keyAction(press("Escape", "Escape"), LABELS, { place: "note" }).action, "leave_note");
  assert.equal(keyAction(press("Enter", "Enter"), LABELS, { place: "note" }).action, "leave_note");
  assert.equal(keyAction(press("Enter", "Enter", { shiftKey: true }), LABELS, { place: "note" }).action, "typing");
});

test("the none-fits form submits on Enter and cancels on Escape", () => {
  assert.equal(keyAction(press("Enter", "Enter"), LABELS, { place: "form" }).action, "submit_form");
  assert.equal(keyAction(press("Escape", "Escape"), LABELS, { place: "form" }).action, "cancel_form");
  assert.equal(keyAction(press("2", "Digit2"), LABELS, { place: "form" }).action, "typing");
});

test("Enter or Space on a focused button is left to the button's own click", () => {
  assert.equal(keyAction(press("Enter", "Enter"), LABELS, { place: "button" }).action, "typing");
  assert.equal(keyAction(press(" ", "Space"), LABELS, { place: "button" }).action, "typing");
  assert.equal(keyAction(press("2", "Digit2"), LABELS, { place: "button" }).value, "spam");
});

test("keys that mean nothing to the card are not handled", () => {
  assert.equal(keyAction(press("Tab", "Tab"), LABELS), null);
  assert.equal(keyAction(press("9", "Digit9"), LABELS), null);
  assert.equal(keyAction(press("q", "KeyQ"), LABELS), null);
});
