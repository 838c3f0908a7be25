// The spans widget's note box and "unsure": keys in the box are typing, the note travels with
// the text's next answer, comes back with the text, and `u` flags the text.
import assert from "node:assert/strict";
import { test } from "node:test";

import { spanKeyAction } from "../../js/spans/keys.js";
import { createSpanCard } from "../../js/spans/state.js";
import { clock, ids } from "./helpers.mjs";

const LABELS = [
  { value: "PER", display: "PER", key: "1", code: "Digit1" },
  { value: "LOC", display: "LOC", key: "2", code: "Digit2" },
];

function item(key, text, extra = {}) {
  return { key: JSON.stringify(key), text, sha: `sha-${key}`, suggestions: [], saved: null, stale: false, ...extra };
}

function newCard(texts) {
  const card = createSpanCard({ now: clock(), newId: ids() });
  card.receive({ type: "buffer", mode: "jump", generation: 1, items: texts.map(([k, t, extra]) => item(k, t, extra)) });
  return card;
}

test("keys: n opens the note box, u is unsure; Escape outside the box still clears", () => {
  assert.deepEqual(spanKeyAction({ key: "n", code: "KeyN" }, LABELS), { action: "focus_note" });
  assert.deepEqual(spanKeyAction({ key: "N", code: "KeyN", shiftKey: true }, LABELS), { action: "focus_note" });
  assert.deepEqual(spanKeyAction({ key: "u", code: "KeyU" }, LABELS), { action: "unsure" });
  assert.deepEqual(spanKeyAction({ key: "Escape" }, LABELS), { action: "clear" });
  assert.equal(spanKeyAction({ key: "n", ctrlKey: true }, LABELS), null);
});

test("in the note box every key is typing: no label, no word cursor, no skip", () => {
  const note = { place: "note" };
  const typed = [
    { key: "1", code: "Digit1" },
    { key: "!", code: "Digit1", shiftKey: true },
    { key: "ArrowRight", code: "ArrowRight" },
    { key: "ArrowLeft", code: "ArrowLeft", shiftKey: true },
    { key: "Delete", code: "Delete" },
    { key: "Backspace", code: "Backspace" },
    { key: "s", code: "KeyS" },
    { key: "b", code: "KeyB" },
    { key: "z", code: "KeyZ" },
    { key: "u", code: "KeyU" },
    { key: "n", code: "KeyN" },
    { key: "Enter", code: "Enter", shiftKey: true }, // a new line
    { key: "a", code: "KeyA", ctrlKey: true }, // select all in the box
  ];
  for (const event of typed) {
    assert.deepEqual(spanKeyAction(event, LABELS, note), { action: "typing" }, JSON.stringify(event));
  }
  assert.deepEqual(spanKeyAction({ key: "Escape" }, LABELS, note), { action: "leave_note" });
  assert.deepEqual(spanKeyAction({ key: "Enter" }, LABELS, note), { action: "leave_note" });
  assert.equal(spanKeyAction({ key: "e", isComposing: true }, LABELS, note), null); // an IME's
});

test("the note goes with the next span answer and stays with its text", () => {
  const card = newCard([["a", "Ana met Bo in Oslo"], ["b", "Cy"]]);
  const [before] = card.press("label", { value: "PER" }).send; // "Ana", no note yet
  assert.equal(before.note, null);
  card.setNote("Bo may be a place");
  assert.equal(card.snapshot().note, "Bo may be a place");
  card.press("select", { start: 8, end: 10 });
  const [msg] = card.press("label", { value: "PER" }).send;
  assert.equal(msg.kind, "label");
  assert.equal(msg.note, "Bo may be a place");
  assert.deepEqual(msg.value.spans, [[0, 3, "PER"], [8, 10, "PER"]]);
  // Enter: saved already and the note unchanged: the next text, no new answer
  assert.equal(card.press("accept").send.length, 0);
  assert.equal(card.current().item.key, '"b"');
  assert.equal(card.snapshot().note, "", "another text, another note");
  card.press("back");
  assert.equal(card.snapshot().note, "Bo may be a place", "shown again on back");
});

test("a note written after the last span is saved by Enter, not lost", () => {
  const card = newCard([["a", "Ana"], ["b", "Bo"]]);
  card.press("label", { value: "PER" });
  card.setNote("a nickname");
  const [msg] = card.press("accept").send;
  assert.equal(msg.note, "a nickname");
  assert.deepEqual(msg.value.spans, [[0, 3, "PER"]]);
  assert.equal(msg.showing, '"b"');
});

test("a saved note comes back from the kernel with its text", () => {
  const card = newCard([["a", "Ana", { saved: { spans: [[0, 3, "PER"]], note: "checked twice" } }]]);
  assert.equal(card.snapshot().note, "checked twice");
  assert.equal(card.press("accept").send.length, 0, "nothing new to save");
});

test("u flags the text as unsure, with the note, and moves on; undo retracts it", () => {
  const card = newCard([["a", "Ana met Bo"], ["b", "Cy"]]);
  card.press("label", { value: "PER" });
  card.setNote("is Bo a person?");
  const [flag] = card.press("unsure").send;
  assert.equal(flag.type, "answer");
  assert.equal(flag.kind, "flag");
  assert.equal(flag.key, '"a"');
  assert.equal(flag.value, null);
  assert.equal(flag.note, "is Bo a person?");
  assert.equal(flag.showing, '"b"');
  assert.equal(card.current().item.key, '"b"');
  const [retract] = card.press("undo").send;
  assert.equal(retract.type, "retract");
  assert.equal(retract.retracts, flag.id);
  assert.equal(card.current().item.key, '"a"');
  assert.deepEqual(card.snapshot().spans, [[0, 3, "PER"]], "the spans are kept");
  assert.equal(card.snapshot().note, "is Bo a person?");
});

test("no note and no flag without a text on screen", () => {
  const card = createSpanCard();
  card.setNote("lost?");
  assert.equal(card.snapshot().note, "");
  const fx = card.press("unsure");
  assert.equal(fx.send.length, 0);
  assert.match(fx.announce, /waiting for the kernel/);
});
