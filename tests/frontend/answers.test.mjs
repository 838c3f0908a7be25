// Answer kinds on the card: keys per kind, checks before sending, number nudges, typing time,
// audio and side-by-side blocks.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  answerKind,
  checkAnswer,
  formatValue,
  nudgeNumber,
  parseNumber,
} from "../../js/card/answers.js";
import { buildBlocks } from "../../js/card/blocks.js";
import { keyAction } from "../../js/card/keys.js";
import { createCard } from "../../js/card/state.js";
import { buffer, clock, ids } from "./helpers.mjs";

const LABELS = [
  { value: "sport", display: "sport", key: "1", code: "Digit1" },
  { value: "money", display: "money", key: "2", code: "Digit2" },
  { value: "food", display: "food", key: "3", code: "Digit3" },
];
const press = (key, code, extra = {}) => ({ key, code, isComposing: false, ...extra });

test("the answer kind comes from options; a single label by default", () => {
  assert.deepEqual(answerKind({ buffer_target: 20 }), { kind: "label" });
  assert.deepEqual(answerKind({ answer: { kind: "rating", scale: [1, 2] } }).scale, [1, 2]);
  assert.deepEqual(answerKind(null), { kind: "label" });
});

test("multi-label: label keys toggle and Enter sends the set", () => {
  const opts = { answer: "multi" };
  assert.deepEqual(keyAction(press("2", "Digit2"), LABELS, opts), { action: "toggle", value: "money", index: 1 });
  assert.deepEqual(keyAction(press("Enter", "Enter"), LABELS, opts), { action: "submit_answer" });
  assert.equal(keyAction(press("s", "KeyS"), LABELS, opts).action, "skip");
  // a single label and a rating step answer at once
  assert.equal(keyAction(press("2", "Digit2"), LABELS, { answer: "rating" }).action, "label");
  assert.equal(keyAction(press("2", "Digit2"), LABELS).action, "label");
});

test("p plays or pauses the audio", () => {
  assert.equal(keyAction(press("p", "KeyP"), LABELS).action, "play");
  // Alt+P also works while typing a caption; a plain p there is text
  const box = { place: "answer_box", answer: "caption" };
  assert.equal(keyAction(press("π", "KeyP", { altKey: true }), LABELS, box).action, "play");
  assert.equal(keyAction(press("p", "KeyP"), LABELS, box).action, "typing");
});

test("in the caption box every key is typing, Enter saves, Shift+Enter is a new line", () => {
  const box = { place: "answer_box", answer: "caption" };
  for (const [key, code] of [["1", "Digit1"], ["s", "KeyS"], ["z", "KeyZ"], ["p", "KeyP"], [" ", "Space"]]) {
    assert.equal(keyAction(press(key, code), LABELS, box).action, "typing", key);
  }
  assert.equal(keyAction(press("Enter", "Enter"), LABELS, box).action, "submit_answer");
  assert.equal(keyAction(press("Enter", "Enter", { shiftKey: true }), LABELS, box).action, "typing");
  assert.equal(keyAction(press("Escape", "Escape"), LABELS, box).action, "focus_card");
  assert.equal(keyAction(press("a", "KeyA", { isComposing: true }), LABELS, box), null);
});

test("in the number box arrows nudge (Shift: ten steps) and Enter saves", () => {
  const box = { place: "answer_box", answer: "number" };
  assert.deepEqual(keyAction(press("ArrowUp", "ArrowUp"), [], box), { action: "nudge", steps: 1 });
  assert.deepEqual(keyAction(press("ArrowDown", "ArrowDown", { shiftKey: true }), [], box), { action: "nudge", steps: -10 });
  assert.equal(keyAction(press("Enter", "Enter"), [], box).action, "submit_answer");
  assert.equal(keyAction(press("7", "Digit7"), [], box).action, "typing");
  // at the card, digits go into the box and Enter focuses it
  assert.deepEqual(keyAction(press("7", "Digit7"), [], { answer: "number" }), { action: "type_answer", text: "7" });
  assert.equal(keyAction(press("Enter", "Enter"), [], { answer: "number" }).action, "focus_answer");
  assert.equal(keyAction(press("Enter", "Enter"), [], { answer: "caption" }).action, "focus_answer");
});

test("numbers parse strictly and nudge within the bounds by the step", () => {
  assert.equal(parseNumber(" 3.5 "), 3.5);
  assert.equal(parseNumber("3,5"), 3.5);
  assert.equal(parseNumber("-2"), -2);
  for (const bad of ["", "abc", "3x", "1/2", "Infinity", "NaN"]) assert.equal(parseNumber(bad), null, bad);
  const kind = { kind: "number", min: 0, max: 10, step: 0.5 };
  assert.equal(nudgeNumber(kind, "", 1), "0"); // an empty box starts at the minimum
  assert.equal(nudgeNumber(kind, "2", 1), "2.5");
  assert.equal(nudgeNumber(kind, "0.1", 1), "0.6"); // no 0.6000000000000001
  assert.equal(nudgeNumber(kind, "9.5", 10), "10"); // clamped
  assert.equal(nudgeNumber(kind, "0", -1), "0");
  assert.equal(nudgeNumber({ kind: "number", step: 1, min: null, max: null }, "-1", -1), "-2");
});

test("bad answers are refused on the card with a reason before anything is sent", () => {
  const multi = { kind: "multi", min_labels: 1 };
  assert.deepEqual(checkAnswer(multi, ["food", "sport"], LABELS), { ok: true, value: ["sport", "food"] });
  assert.match(checkAnswer(multi, [], LABELS).reason, /choose at least one label/);
  const number = { kind: "number", min: 0, max: 10, step: 1 };
  assert.deepEqual(checkAnswer(number, "7", []), { ok: true, value: 7 });
  assert.match(checkAnswer(number, "11", []).reason, /out of bounds: give a number at least 0 and at most 10/);
  assert.match(checkAnswer(number, "seven", []).reason, /not a number/);
  const caption = { kind: "caption", allow_empty: false, max_length: 10 };
  assert.deepEqual(checkAnswer(caption, "a\nb", []), { ok: true, value: "a\nb" });
  assert.match(checkAnswer(caption, "  \n", []).reason, /caption is empty/);
  assert.match(checkAnswer(caption, "x".repeat(11), []).reason, /longer than 10/);
  assert.equal(checkAnswer({ ...caption, allow_empty: true }, "", []).ok, true);
});

test("a caption's answer carries the typing time from the first keystroke", () => {
  const now = clock();
  const card = createCard({ now, newId: ids() });
  card.receive(buffer("jump", 0, ["0", "1"]));
  now.advance(5_000); // reading or listening first
  card.typed();
  now.advance(2_000);
  card.typed(); // later keystrokes do not restart it
  now.advance(1_500);
  const fx = card.press("label", { value: "two dogs\nbarking" });
  const [msg] = fx.send;
  assert.equal(msg.kind, "label");
  assert.equal(msg.value, "two dogs\nbarking");
  assert.equal(msg.typing_seconds, 3.5);
  assert.equal(msg.seconds, 8.5);
  // the next item starts without a typing time
  const [next] = card.press("label", { value: 3 }).send;
  assert.equal("typing_seconds" in next, false);
});

test("lists and numbers are described in the answer line", () => {
  assert.equal(formatValue(["sport", "food"], LABELS), "sport, food");
  assert.equal(formatValue([], LABELS), "(no labels)");
  assert.equal(formatValue(2.5, []), "2.5");
  assert.equal(formatValue("line one\nline two", []), "line one line two");
});

/** A small DOM stand-in that refuses innerHTML, so data can only arrive as text. */
function fakeDocument() {
  function node(tag) {
    const n = {
      tagName: tag.toUpperCase(), children: [], dataset: {}, attributes: {}, className: "",
      style: { setProperty: () => {} },
      // as in the DOM, adding a node moves it out of its old parent
      appendChild(child) {
        if (child.parent) child.parent.children.splice(child.parent.children.indexOf(child), 1);
        child.parent = n;
        n.children.push(child);
        return child;
      },
      append(...kids) { for (const k of kids) n.appendChild(k); },
      setAttribute(k, v) { n.attributes[k] = String(v); },
      get lastChild() { return n.children[n.children.length - 1] || null; },
    };
    Object.defineProperty(n, "innerHTML", { set() { throw new Error("innerHTML used"); } });
    return n;
  }
  const doc = { createElement: node, createDocumentFragment: () => node("#fragment") };
  return doc;
}

test("an audio block becomes a player only for a data:audio URL", () => {
  const doc = fakeDocument();
  const frag = buildBlocks(doc, [
    { kind: "audio", src: "data:audio/wav;base64,UklGRg==", mime: "audio/wav", label: "<b>clip</b>", seconds: 0.6 },
    { kind: "audio", src: "https://evil.example/a.wav", label: "x" },
    { kind: "audio", src: "javascript:alert(1)", label: "x" },
  ]);
  const [ok, remote, script] = frag.children;
  const audio = ok.children[0];
  assert.equal(audio.tagName, "AUDIO");
  assert.equal(audio.src, "data:audio/wav;base64,UklGRg==");
  assert.equal(audio.controls, true);
  assert.equal(audio.attributes["aria-label"], "<b>clip</b>"); // as text
  assert.match(ok.children[1].textContent, /p play \/ pause · 0\.6 s/);
  for (const refused of [remote, script]) {
    assert.match(refused.className, /nbl-audio-refused/);
    assert.equal(refused.children.length, 0);
  }
});

test("a table marked beside is laid out next to the text before it", () => {
  const doc = fakeDocument();
  const frag = buildBlocks(doc, [
    { kind: "text", text: "<img src=x onerror=alert(1)>" },
    { kind: "table", columns: ["lang"], values: ["en"], beside: true },
  ]);
  assert.equal(frag.children.length, 1);
  const split = frag.children[0];
  assert.equal(split.className, "nbl-split");
  assert.equal(split.children[0].textContent, "<img src=x onerror=alert(1)>");
  assert.equal(split.children[1].className, "nbl-table-wrap");
});
