// The spans widget's logic: offsets (emoji, combining marks, RTL), words, keys, edits, outbox.
import assert from "node:assert/strict";
import { test } from "node:test";

import widget from "../../js/spans/widget.js";
import { spanKeyAction } from "../../js/spans/keys.js";
import {
  cpToUtf16,
  snapToWords,
  spansFromWire,
  spansToWire,
  utf16ToCp,
  wordSegments,
} from "../../js/spans/offsets.js";
import { segments } from "../../js/spans/segments.js";
import { createSpanCard } from "../../js/spans/state.js";
import { buildText, domOffset } from "../../js/spans/text_view.js";
import { clock, ids } from "./helpers.mjs";

const LABELS = [
  { value: "PER", display: "PER", key: "1", code: "Digit1", color: "#1f77b4" },
  { value: "LOC", display: "LOC", key: "2", code: "Digit2", color: "#ff7f0e" },
  { value: "ORG", display: "ORG", key: "3", code: "Digit3", color: "#2ca02c" },
];

function item(key, text, extra = {}) {
  return { key: JSON.stringify(key), text, sha: `sha-${key}`, suggestions: [], saved: null, stale: false, ...extra };
}

function newCard(texts, options = {}) {
  const now = clock();
  const card = createSpanCard({ now, newId: ids(), ...options });
  card.receive({ type: "buffer", mode: "jump", generation: 1, items: texts.map(([k, t, extra]) => item(k, t, extra)) });
  return { card, now };
}

const sent = (fx) => fx.send;

test("offsets convert between code points and UTF-16 in one place, emoji included", () => {
  const text = "🎉 Kwame 👩‍👩‍👧 Mensah";
  const start16 = text.indexOf("Mensah");
  const startCp = [...text.slice(0, start16)].length;
  assert.equal(utf16ToCp(text, start16), startCp);
  assert.equal(cpToUtf16(text, startCp), start16);
  assert.equal(utf16ToCp(text, 3), 2); // after "🎉 ": 3 UTF-16 units, 2 code points
  const wire = [[startCp, startCp + 6, "PER"]];
  assert.deepEqual(spansFromWire(text, wire), [[start16, start16 + 6, "PER"]]);
  assert.deepEqual(spansToWire(text, spansFromWire(text, wire)), wire);
});

test("combining marks and right-to-left text keep their offsets", () => {
  const text = "Rene\u0301e in Montre\u0301al";
  assert.equal(utf16ToCp(text, text.length), text.length); // all in the BMP: no change
  const words = wordSegments(text);
  assert.deepEqual(words.map((w) => text.slice(w.start, w.end)), ["Rene\u0301e", "in", "Montre\u0301al"]);
  const rtl = "زارت ليلى حداد مدينة عمّان.";
  const rwords = wordSegments(rtl).map((w) => rtl.slice(w.start, w.end));
  assert.deepEqual(rwords, ["زارت", "ليلى", "حداد", "مدينة", "عمّان"]);
});

test("a mouse selection snaps to whole words, trimmed of spaces and punctuation", () => {
  const text = "Ana met Bo, in Oslo.";
  const words = wordSegments(text);
  assert.deepEqual(snapToWords(words, 1, 6), { start: 0, end: 7 }); // "na me" -> "Ana met"
  assert.deepEqual(snapToWords(words, 7, 11), { start: 8, end: 10 }); // " Bo," -> "Bo"
  assert.equal(snapToWords(words, 10, 12), null); // ", " touches no word
});

test("keys: arrows move and extend, digits label, Delete removes, Enter accepts", () => {
  assert.deepEqual(spanKeyAction({ key: "ArrowRight", shiftKey: true }, LABELS), { action: "move", dir: 1, extend: true });
  assert.deepEqual(spanKeyAction({ key: "ArrowLeft" }, LABELS), { action: "move", dir: -1, extend: false });
  assert.deepEqual(spanKeyAction({ key: "!", code: "Digit1", shiftKey: true }, LABELS), { action: "label", value: "PER" });
  assert.deepEqual(spanKeyAction({ key: "Delete" }, LABELS), { action: "remove" });
  assert.deepEqual(spanKeyAction({ key: "Enter" }, LABELS), { action: "accept" });
  assert.deepEqual(spanKeyAction({ key: "z" }, LABELS), { action: "undo" });
  assert.equal(spanKeyAction({ key: "c", ctrlKey: true }, LABELS), null);
  assert.equal(spanKeyAction({ key: "a", isComposing: true }, LABELS), null);
});

test("word cursor + shift-extend + label key sends the span in code points", () => {
  const text = "🎉 Kwame Mensah won in Accra";
  const { card } = newCard([["a", text], ["b", "next text"]]);
  card.press("move", { dir: 1 }); // the cursor starts on "Kwame"; -> "Mensah"
  card.press("move", { dir: -1 }); // back to "Kwame"
  card.press("move", { dir: 1, extend: true }); // "Kwame Mensah"
  const [msg] = sent(card.press("label", { value: "PER" }));
  assert.equal(msg.type, "answer");
  assert.equal(msg.kind, "label");
  assert.equal(msg.key, '"a"');
  assert.deepEqual(msg.value, { spans: [[2, 14, "PER"]], text_sha256: "sha-a" });
  assert.equal(msg.showing, '"a"', "the text stays on screen while it is being marked");
  assert.equal(card.pendingCount(), 1);
  card.receive({ type: "ack", id: msg.id, event_id: 7 });
  assert.equal(card.statusText(), "saved");
  assert.equal(card.snapshot().answerStatus, "saved");
});

test("arrows follow the screen in right-to-left text", () => {
  const text = "زارت ليلى حداد";
  const { card } = newCard([["r", text]]);
  card.press("move", { dir: -1 }); // ArrowLeft goes forward in RTL
  const { sel } = card.snapshot();
  assert.equal(text.slice(sel.start, sel.end), "ليلى");
});

test("overlaps are refused unless allowed; an exact reselection relabels", () => {
  const text = "New York City Council";
  const { card } = newCard([["a", text]]);
  card.press("select", { start: 0, end: 8 });
  card.press("label", { value: "LOC" });
  card.press("select", { start: 4, end: 13 });
  const refused = card.press("label", { value: "LOC" });
  assert.equal(refused.send.length, 0);
  assert.match(refused.announce, /overlaps LOC "New York"/);
  card.press("select", { start: 2, end: 5 }); // snaps to "New York"
  const [relabel] = sent(card.press("label", { value: "ORG" }));
  assert.deepEqual(relabel.value.spans, [[0, 8, "ORG"]]);

  const both = newCard([["a", text]], { overlapping: true }).card;
  both.press("select", { start: 0, end: 8 });
  both.press("label", { value: "LOC" });
  both.press("select", { start: 0, end: 21 });
  const [msg] = sent(both.press("label", { value: "ORG" }));
  assert.deepEqual(msg.value.spans, [[0, 8, "LOC"], [0, 21, "ORG"]]);
});

test("remove, undo and refuse keep the screen equal to what the store has", () => {
  const { card } = newCard([["a", "Ana met Bo in Oslo"]]);
  card.press("select", { start: 0, end: 3 });
  const [first] = sent(card.press("label", { value: "PER" }));
  card.press("select", { start: 14, end: 18 });
  const [second] = sent(card.press("label", { value: "LOC" }));
  card.press("select", { start: 0, end: 1 });
  const [third] = sent(card.press("remove"));
  assert.deepEqual(third.value.spans, [[14, 18, "LOC"]]);
  const [retract] = sent(card.press("undo"));
  assert.deepEqual(retract, { type: "retract", id: "c4", seq: 4, key: '"a"', retracts: third.id });
  assert.deepEqual(card.snapshot().spans, [[0, 3, "PER"], [14, 18, "LOC"]]);
  card.receive({ type: "refuse", id: second.id, reason: "the text changed" });
  assert.deepEqual(card.snapshot().spans, [[0, 3, "PER"]]);
  assert.match(card.statusText(), /not saved: the text changed/);
  assert.ok(first.id);
});

test("suggestions: Enter accepts them all and moves on; Delete rejects one; a key fixes one", () => {
  const text = "Ana flew from Lisbon to Nairobi";
  const suggestions = [[0, 3, "PER"], [14, 20, "LOC"], [24, 31, "ORG"]];
  const { card } = newCard([["a", text, { suggestions }], ["b", "second text"]]);
  card.press("select", { start: 24, end: 31 });
  const [fixed] = sent(card.press("label", { value: "LOC" }));
  assert.deepEqual(fixed.value.spans, [[24, 31, "LOC"]]);
  assert.deepEqual(fixed.suggestion, { value: suggestions, p: null });
  card.press("select", { start: 0, end: 3 });
  assert.equal(card.press("remove").send.length, 0, "rejecting a suggestion stores nothing yet");
  const [accepted] = sent(card.press("accept"));
  assert.deepEqual(accepted.value.spans, [[14, 20, "LOC"], [24, 31, "LOC"]]);
  assert.equal(accepted.showing, '"b"');
  assert.equal(card.current().item.key, '"b"');
  const [empty] = sent(card.press("accept")); // nothing marked: "names nothing" is an answer
  assert.deepEqual(empty.value.spans, []);
});

test("Enter after the spans are saved shows the next text without a new answer", () => {
  const { card } = newCard([["a", "Ana"], ["b", "Bo"]]);
  card.press("label", { value: "PER" }); // the cursor starts on the first word
  assert.equal(card.press("accept").send.length, 0);
  assert.equal(card.current().item.key, '"b"');
  card.press("back");
  assert.deepEqual(card.snapshot().spans, [[0, 3, "PER"]]);
});

test("saved spans of a text shown again come back from the kernel in code points", () => {
  const text = "👏🏽 Ana";
  const { card } = newCard([["a", text, { saved: { spans: [[3, 6, "PER"]], note: null } }]]);
  assert.deepEqual(card.snapshot().spans, [[5, 8, "PER"]]);
  assert.equal(text.slice(5, 8), "Ana");
});

test("append buffers skip texts already held; the outbox is resent on hello", () => {
  const { card } = newCard([["a", "Ana"], ["b", "Bo"]]);
  card.receive({ type: "buffer", mode: "append", generation: 1, items: [item("a", "Ana"), item("b", "Bo"), item("c", "Cy")] });
  assert.deepEqual(card.queuedKeys(), ['"b"', '"c"']);
  const [msg] = sent(card.press("label", { value: "PER" }));
  const again = card.hello().send;
  assert.deepEqual(again.map((m) => m.type), ["answer", "hello"]);
  assert.equal(again[0].id, msg.id);
  const other = createSpanCard({ newId: ids("x") });
  assert.equal(other.restoreOutbox(card.outboxMessages()), 1);
});

test("no label without a text on screen", () => {
  const card = createSpanCard();
  const fx = card.press("label", { value: "PER" });
  assert.equal(fx.send.length, 0);
  assert.match(fx.announce, /waiting for the kernel/);
});

test("segments cut the text at every boundary, overlaps included", () => {
  const segs = segments("New York City", [[0, 8, "LOC"], [4, 13, "ORG"]]);
  assert.deepEqual(segs.map((s) => [s.start, s.end, s.spans.map((x) => x[2]).join("+")]), [
    [0, 4, "LOC"], [4, 8, "LOC+ORG"], [8, 13, "ORG"],
  ]);
});

/** A tiny DOM stand-in that refuses innerHTML, so text can only arrive as text. */
function fakeDocument() {
  function node(tag) {
    const n = {
      tagName: tag.toUpperCase(), nodeType: 1, children: [], dataset: {}, title: "", className: "",
      classList: { add: (c) => { n.className += ` ${c}`; } },
      style: { setProperty: () => {} },
      appendChild(child) { n.children.push(child); child.parentElement = n; return child; },
      closest(sel) { return sel === "[data-start]" && "start" in n.dataset ? n : null; },
      contains(other) { let o = other; while (o) { if (o === n) return true; o = o.parentElement; } return false; },
    };
    Object.defineProperty(n, "innerHTML", { set() { throw new Error("innerHTML used"); } });
    return n;
  }
  return { createElement: node, createDocumentFragment: () => node("#fragment") };
}

test("hostile text is set as text: <script> and <img onerror> stay characters", () => {
  const doc = fakeDocument();
  const text = 'Hi <script>alert(1)</script> and <img src=x onerror="alert(2)"> from Ana';
  const ana = text.indexOf("Ana");
  const frag = buildText(doc, text, [[ana, ana + 3, "PER"]], [], null, { PER: "red" });
  assert.equal(frag.children.map((c) => c.textContent).join(""), text);
  assert.ok(frag.children.every((c) => c.tagName === "SPAN" || c.tagName === "MARK"));
  const mark = frag.children.find((c) => c.tagName === "MARK");
  assert.equal(mark.dataset.tag, "PER");
  // a DOM position inside the mark's text node maps back to the text offset
  const textNode = { nodeType: 3, parentElement: mark };
  assert.equal(domOffset(frag, textNode, 2), ana + 2);
});

test("the module has only a default export for anywidget, with initialize and render", () => {
  assert.equal(typeof widget.initialize, "function");
  assert.equal(typeof widget.render, "function");
});
