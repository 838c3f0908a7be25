// The card's state machine: buffer, history, outbox (docs/protocol.md).
import assert from "node:assert/strict";
import { test } from "node:test";

import { createCard } from "../../js/card/state.js";
import { buffer, clock, ids, item } from "./helpers.mjs";

function newCard() {
  const now = clock();
  const card = createCard({ now, newId: ids() });
  return { card, now };
}

function answersIn(fx) {
  return fx.send.filter((m) => m.type === "answer");
}

test("a jump buffer shows its first item and queues the rest", () => {
  const { card } = newCard();
  assert.equal(card.current(), null);
  card.receive(buffer("jump", 1, ["0", "1", "2"]));
  assert.equal(card.current().key, "0");
  assert.deepEqual(card.queuedKeys(), ["1", "2"]);
});

test("append adds to the end of the same generation without duplicates", () => {
  const { card } = newCard();
  card.receive(buffer("jump", 1, ["0", "1"]));
  card.receive(buffer("append", 1, ["1", "2", "3"]));
  assert.deepEqual(card.queuedKeys(), ["1", "2", "3"]);
  card.receive(buffer("append", 0, ["9"])); // stale generation: ignored
  assert.deepEqual(card.queuedKeys(), ["1", "2", "3"]);
});

test("replace keeps the item on screen and drops keys the card answered", () => {
  const { card } = newCard();
  card.receive(buffer("jump", 1, ["a", "b", "c", "d"]));
  card.press("label", { value: "spam" }); // answers a, shows b
  assert.equal(card.current().key, "b");
  card.receive(buffer("replace", 2, ["a", "b", "x", "c"]));
  assert.equal(card.current().key, "b", "the screen item is never swapped by replace");
  assert.deepEqual(card.queuedKeys(), ["x", "c"]);
  assert.equal(card.generation(), 2);
  card.receive(buffer("append", 1, ["old"])); // from before the reorder
  assert.deepEqual(card.queuedKeys(), ["x", "c"]);
});

test("an answer goes to the outbox with the protocol's fields, and its ack clears it", () => {
  const { card, now } = newCard();
  card.receive(buffer("jump", 1, ["0", "1"], { 0: { suggestion: { value: "spam", display: "spam", p: 0.9 } } }));
  now.advance(2500);
  const fx = card.press("label", { value: "ham", note: "odd one" });
  const [msg] = answersIn(fx);
  assert.deepEqual(Object.keys(msg).sort(), [
    "client_time", "id", "key", "kind", "note", "seconds", "seq", "showing", "suggestion", "type", "value",
  ].sort());
  assert.equal(msg.key, "0");
  assert.equal(msg.kind, "label");
  assert.equal(msg.value, "ham");
  assert.equal(msg.note, "odd one");
  assert.equal(msg.seconds, 2.5);
  assert.equal(msg.showing, "1");
  assert.deepEqual(msg.suggestion, { value: "spam", display: "spam", p: 0.9 });
  assert.equal(msg.client_time, new Date(now()).toISOString());
  assert.equal(card.pendingCount(), 1);
  assert.match(card.statusText(), /1 pending/);
  card.receive({ type: "ack", id: msg.id, event_id: 17 });
  assert.equal(card.pendingCount(), 0);
  assert.equal(card.savedCount(), 1);
  assert.equal(card.statusText(), "saved");
});

test("seq counts up and ids are fresh per answer", () => {
  const { card } = newCard();
  card.receive(buffer("jump", 1, ["0", "1", "2", "3"]));
  const sent = [
    ...answersIn(card.press("label", { value: "a" })),
    ...answersIn(card.press("skip")),
    ...answersIn(card.press("unsure")),
  ];
  assert.deepEqual(sent.map((m) => m.seq), [1, 2, 3]);
  assert.equal(new Set(sent.map((m) => m.id)).size, 3);
  assert.deepEqual(sent.map((m) => m.kind), ["label", "skip", "flag"]);
  assert.deepEqual(sent.map((m) => m.value), ["a", null, null]);
});

test("Enter accepts the suggestion, and does nothing without one", () => {
  const { card } = newCard();
  card.receive(buffer("jump", 1, ["0", "1"], { 0: { suggestion: { value: "spam", display: "Spam", p: 0.92 } } }));
  const [msg] = answersIn(card.press("accept"));
  assert.equal(msg.value, "spam");
  const fx = card.press("accept");
  assert.equal(fx.send.length, 0);
  assert.equal(card.current().key, "1");
});

test("resend on hello sends each pending answer once, with the same id, before hello", () => {
  const { card } = newCard();
  card.receive(buffer("jump", 1, ["0", "1", "2"]));
  const first = answersIn(card.press("label", { value: "a" }))[0];
  const second = answersIn(card.press("label", { value: "b" }))[0];
  card.receive({ type: "ack", id: first.id, event_id: 1 });
  const again = card.hello().send;
  assert.deepEqual(again.map((m) => m.type), ["answer", "hello"]);
  assert.equal(again[0].id, second.id);
  assert.deepEqual(again[0], second);
  const twice = card.hello().send;
  assert.equal(twice.filter((m) => m.type === "answer").length, 1, "no duplicates from two hellos");
  assert.equal(card.pendingCount(), 1);
});

test("an outbox restored from storage is resent in seq order and seq continues after it", () => {
  const { card } = newCard();
  const stored = [
    { type: "answer", id: "old2", seq: 8, key: "5", kind: "skip", value: null },
    { type: "answer", id: "old1", seq: 7, key: "4", kind: "label", value: "a" },
    { type: "answer", id: "old1", seq: 7, key: "4", kind: "label", value: "a" },
    { type: "nonsense", id: "x", seq: 1 },
  ];
  assert.equal(card.restoreOutbox(stored), 2);
  const sent = card.hello().send;
  assert.deepEqual(sent.map((m) => m.id ?? m.type), ["old1", "old2", "hello"]);
  card.receive(buffer("jump", 1, ["6", "7"]));
  const [next] = answersIn(card.press("skip"));
  assert.equal(next.seq, 9);
  assert.equal(card.pendingCount(), 3);
});

test("a refusal shows the reason and keeps the answer retrievable with back", () => {
  const { card } = newCard();
  card.receive(buffer("jump", 1, ["0", "1", "2"]));
  const [msg] = answersIn(card.press("label", { value: "eggs", note: "hmm" }));
  const fx = card.receive({ type: "refuse", id: msg.id, reason: "'eggs' is not in the label set" });
  assert.equal(fx.announce, "not saved: 'eggs' is not in the label set");
  assert.equal(card.statusText(), "not saved: 'eggs' is not in the label set");
  assert.equal(card.pendingCount(), 0);
  card.press("back");
  assert.equal(card.current().key, "0");
  const shown = card.currentAnswer();
  assert.equal(shown.status, "refused");
  assert.equal(shown.value, "eggs");
  assert.equal(card.note(), "hmm");
});

test("a refused key is offered again by a replace buffer", () => {
  const { card } = newCard();
  card.receive(buffer("jump", 1, ["0", "1", "2"]));
  const [msg] = answersIn(card.press("label", { value: "eggs" }));
  card.receive({ type: "refuse", id: msg.id, reason: "no" });
  card.receive(buffer("replace", 2, ["0", "2"]));
  assert.deepEqual(card.queuedKeys(), ["0", "2"]);
});

test("undo of a pending answer retracts it by client id and shows the item again", () => {
  const { card } = newCard();
  card.receive(buffer("jump", 1, ["0", "1", "2"]));
  const [msg] = answersIn(card.press("label", { value: "spam", note: "typo" }));
  assert.equal(card.current().key, "1");
  const fx = card.press("undo");
  assert.match(card.statusText(), /^undid: spam on item 0 · /);
  const [retract] = fx.send;
  assert.equal(retract.type, "retract");
  assert.equal(retract.retracts, msg.id);
  assert.equal(retract.key, "0");
  assert.equal(retract.seq, msg.seq + 1);
  assert.notEqual(retract.id, msg.id);
  assert.equal(card.current().key, "0");
  assert.equal(card.currentAnswer(), null);
  assert.equal(card.note(), "typo");
  assert.equal(card.pendingCount(), 2, "the answer and its retraction both await their acks");
  // answering again moves on to the item that was showing
  card.press("label", { value: "ham" });
  assert.equal(card.current().key, "1");
});

test("undo names what it undid, for every kind of answer", () => {
  const { card } = newCard();
  card.receive(buffer("jump", 1, ["7", "8", "9"]));
  const undid = () => card.statusText().split(" · ")[0];
  card.press("skip");
  card.press("undo");
  assert.equal(undid(), "undid: skip on item 7");
  card.press("unsure");
  assert.notEqual(undid(), "undid: skip on item 7", "the next action ends the message");
  card.press("undo");
  assert.equal(undid(), "undid: unsure on item 7");
  card.press("label", { value: 3 });
  card.press("undo");
  assert.equal(undid(), "undid: 3 on item 7");
});

test("undo of a refused answer sends nothing; undo with no history says so", () => {
  const { card } = newCard();
  assert.equal(card.press("undo").announce, "nothing to undo");
  card.receive(buffer("jump", 1, ["0", "1"]));
  const [msg] = answersIn(card.press("skip"));
  card.receive({ type: "refuse", id: msg.id, reason: "no" });
  const fx = card.press("undo");
  assert.equal(fx.send.length, 0);
  assert.equal(card.current().key, "0");
});

test("back shows the saved answer and note, and answering again sends a new answer", () => {
  const { card } = newCard();
  card.receive(buffer("jump", 1, ["0", "1", "2"]));
  const [first] = answersIn(card.press("label", { value: "spam", note: "free prize" }));
  card.receive({ type: "ack", id: first.id, event_id: 3 });
  card.setNote("draft for 1");
  card.press("back");
  assert.equal(card.current().key, "0");
  assert.equal(card.currentAnswer().status, "saved");
  assert.equal(card.currentAnswer().value, "spam");
  assert.equal(card.note(), "free prize");
  const [second] = answersIn(card.press("label", { value: "ham" }));
  assert.equal(second.key, "0");
  assert.notEqual(second.id, first.id);
  assert.equal(second.note, "free prize", "the note travels with the new answer");
  assert.equal(second.showing, "1");
  assert.equal(card.current().key, "1");
});

test("the note clears when the card advances", () => {
  const { card } = newCard();
  card.receive(buffer("jump", 1, ["0", "1"]));
  card.setNote("only for 0");
  const [msg] = answersIn(card.press("skip"));
  assert.equal(msg.note, "only for 0");
  assert.equal(card.note(), "");
});

test("an item's saved answer from the kernel is shown on a jump (goto/review)", () => {
  const { card } = newCard();
  card.receive(buffer("jump", 4, ["7"], { 7: { saved: { kind: "label", value: "ham", note: "n" } } }));
  assert.equal(card.currentAnswer().status, "saved");
  assert.equal(card.currentAnswer().value, "ham");
  assert.equal(card.note(), "n");
});

test("an empty buffer blocks label keys and says it is waiting", () => {
  const { card } = newCard();
  const fx = card.press("label", { value: "spam" });
  assert.equal(fx.send.length, 0);
  assert.equal(fx.announce, "waiting for the kernel (a cell may be running)");
  card.receive(buffer("jump", 1, ["0"]));
  card.press("label", { value: "spam" }); // the last item: nothing left on screen
  assert.equal(card.current(), null);
  assert.equal(card.press("skip").send.length, 0);
  card.receive({ type: "ack", id: "c1", event_id: 1 });
  assert.equal(card.statusText(), "waiting for the kernel (a cell may be running)");
  card.receive(buffer("append", 1, ["1"]));
  assert.equal(card.current().key, "1", "an append fills an empty screen");
});

test("none fits needs a reason and sends {proposed, reason}", () => {
  const { card } = newCard();
  card.receive(buffer("jump", 1, ["0", "1"]));
  const empty = card.press("none_fits", { value: { proposed: "promo", reason: "  " } });
  assert.equal(empty.send.length, 0);
  const [msg] = answersIn(card.press("none_fits", { value: { proposed: " promo ", reason: "an ad" } }));
  assert.equal(msg.kind, "none_fits");
  assert.deepEqual(msg.value, { proposed: "promo", reason: "an ad" });
});

test("an answer not acknowledged after 10 s is reported; disconnect counts unsaved answers", () => {
  const { card, now } = newCard();
  card.receive(buffer("jump", 1, ["0", "1", "2"]));
  card.press("skip");
  card.press("skip");
  now.advance(9_000);
  assert.equal(card.overdueCount(), 0);
  now.advance(1_500);
  assert.equal(card.overdueCount(), 2);
  assert.match(card.statusText(), /not acknowledged after 10 s/);
  card.setConnected(false);
  assert.equal(card.statusText(), "kernel disconnected: 2 answers not saved");
  assert.equal(card.snapshot().connected, false);
});

test("items per minute come from the answers' times", () => {
  const { card, now } = newCard();
  card.receive(buffer("jump", 1, ["0", "1", "2", "3"]));
  card.press("skip");
  assert.equal(card.snapshot().perMinute, null);
  now.advance(6_000);
  card.press("skip");
  now.advance(6_000);
  card.press("skip");
  assert.equal(card.snapshot().perMinute, 10);
});

test("where the page keeps no localStorage, unsaved answers are said to live in it only", () => {
  const { card } = newCard();
  card.receive(buffer("jump", 1, ["0", "1"]));
  card.press("label", { value: "spam" });
  card.setConnected(false);
  assert.equal(card.statusText(), "kernel disconnected: 1 answer not saved");
  card.keepInPageOnly();
  assert.match(card.statusText(), /1 answer not saved \(held in this page only: keep it open/);
  card.setConnected(true);
  card.receive({ type: "ack", id: card.outboxMessages()[0].id, event_id: 1 });
  assert.equal(card.statusText(), "saved", "nothing unsaved: nothing to warn about");
});
