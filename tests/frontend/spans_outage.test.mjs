// The spans widget when the store goes away (wait + retry) and its heartbeat: the same shared
// outbox and glue as the item card (common.js), with the spans widget's own messages.
import assert from "node:assert/strict";
import { afterEach, beforeEach, test } from "node:test";

import widget from "../../js/spans/widget.js";
import { createSpanCard } from "../../js/spans/state.js";
import { clock, fakeModel, fakeStorage, ids } from "./helpers.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function texts(keys) {
  const items = keys.map((k) => ({ key: k, text: `Ana met Bo ${k}`, sha: `sha-${k}`, suggestions: [], saved: null }));
  return { type: "buffer", mode: "jump", generation: 1, items };
}

beforeEach(() => {
  globalThis.localStorage = fakeStorage();
});
afterEach(() => {
  delete globalThis.localStorage;
});

test("a wait keeps the spans pending, says the store is away, and asks for a retry", () => {
  const card = createSpanCard({ now: clock(), newId: ids() });
  card.receive(texts(["a", "b"]));
  const [first] = card.press("label", { value: "PER" }).send; // the cursor starts on "Ana"
  assert.deepEqual(card.press("accept").send, [], "saved already: Enter only moves on");
  const [second] = card.press("skip").send;
  const fx = card.receive({ type: "wait", id: first.id, reason: "server closed", retry_in: 2 });
  assert.equal(fx.retryIn, 2);
  assert.equal(card.pendingCount(), 2, "nothing leaves the outbox");
  assert.equal(card.snapshot().waiting, "server closed");
  assert.match(card.statusText(), /store unreachable: 2 answers kept here, retrying \(server closed\)/);
  card.press("back"); // to "b" (skipped; nothing came after it)
  card.press("back"); // to "a"
  assert.equal(card.current().item.key, "a");
  assert.deepEqual(card.snapshot().spans, [[0, 3, "PER"]], "the spans stay on screen, pending");
  assert.equal(card.snapshot().answerStatus, "pending");
  const again = card.resend().send;
  assert.deepEqual(again.map((m) => m.id), [first.id, second.id], "resent oldest first, same ids");
  assert.deepEqual(again.map((m) => m.seq), [1, 2]);
  card.receive({ type: "ack", id: first.id, event_id: 1 });
  assert.equal(card.snapshot().waiting, null, "an ack means the store is back");
  card.receive({ type: "ack", id: second.id, event_id: 2 });
  assert.equal(card.pendingCount(), 0);
  assert.equal(card.statusText(), "saved");
});

test("a wait for an answer already acknowledged changes nothing", () => {
  const card = createSpanCard({ now: clock(), newId: ids() });
  card.receive(texts(["a", "b"]));
  const [msg] = card.press("skip").send;
  card.receive({ type: "ack", id: msg.id, event_id: 4 });
  const fx = card.receive({ type: "wait", id: msg.id, reason: "late" });
  assert.equal(fx.changed, false);
  assert.equal(fx.retryIn, undefined);
  assert.equal(card.statusText(), "saved");
});

test("a closed comm outranks a wait in the status line", () => {
  const card = createSpanCard({ now: clock(), newId: ids() });
  card.receive(texts(["a"]));
  const [msg] = card.press("label", { value: "LOC" }).send;
  card.receive({ type: "wait", id: msg.id, reason: "locked", retry_in: 1 });
  card.setConnected(false);
  assert.equal(card.statusText(), "kernel disconnected: 1 answer not saved");
});

test("initialize resends the spans outbox after a wait, until the store takes it", async () => {
  const stored = [{ type: "answer", id: "s1", seq: 1, key: "a", kind: "label", value: { spans: [], text_sha256: "x" } }];
  localStorage.setItem("nb_label:spans-outbox:w1", JSON.stringify(stored));
  const m = fakeModel({ store_key: "w1", options: { overlapping: false } });
  const cleanup = widget.initialize({ model: m.proxy() }, { now: clock(), newId: ids() });
  assert.deepEqual(m.sent.map((x) => x.type), ["answer", "hello"]);
  m.sent.length = 0;
  m.fire("msg:custom", { type: "wait", id: "nope", reason: "x", retry_in: 0.01 });
  await sleep(40);
  assert.deepEqual(m.sent, [], "a wait for an id not in the outbox schedules nothing");
  m.fire("msg:custom", { type: "wait", id: "s1", reason: "server closed", retry_in: 0.01 });
  m.fire("msg:custom", { type: "wait", id: "s1", reason: "server closed", retry_in: 0.01 });
  await sleep(40);
  assert.deepEqual(m.sent.map((x) => x.id), ["s1"], "resent once after the delay");
  assert.ok(localStorage.getItem("nb_label:spans-outbox:w1"), "kept in localStorage meanwhile");
  m.fire("msg:custom", { type: "ack", id: "s1", event_id: 3 });
  await sleep(40);
  assert.equal(m.sent.length, 1, "nothing more once acknowledged");
  assert.equal(localStorage.getItem("nb_label:spans-outbox:w1"), null);
  cleanup();
});

test("cleanup cancels a pending retry", async () => {
  const stored = [{ type: "retract", id: "r1", seq: 2, key: "a", retracts: "s0" }];
  localStorage.setItem("nb_label:spans-outbox:w2", JSON.stringify(stored));
  const m = fakeModel({ store_key: "w2" });
  const cleanup = widget.initialize({ model: m.proxy() }, { now: clock(), newId: ids() });
  m.sent.length = 0;
  m.fire("msg:custom", { type: "wait", id: "r1", reason: "locked", retry_in: 0.01 });
  cleanup();
  await sleep(40);
  assert.deepEqual(m.sent, [], "no resend after cleanup");
});

test("the spans heartbeat runs only with heartbeat_seconds and stops on cleanup", async () => {
  const plain = fakeModel({ store_key: "h0", options: { overlapping: false } });
  const stopPlain = widget.initialize({ model: plain.proxy() }, { now: clock(), newId: ids() });
  const shared = fakeModel({ store_key: "h1", options: { heartbeat_seconds: 0.01 } });
  const stopShared = widget.initialize({ model: shared.proxy() }, { now: clock(), newId: ids() });
  await sleep(60);
  const beats = () => shared.sent.filter((x) => x.type === "heartbeat").length;
  assert.equal(plain.sent.filter((x) => x.type === "heartbeat").length, 0);
  assert.ok(beats() >= 2, `expected heartbeats, got ${beats()}`);
  stopShared();
  stopPlain();
  const after = beats();
  await sleep(40);
  assert.equal(beats(), after, "no heartbeat after cleanup");
});
