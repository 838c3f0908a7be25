// The store going away (wait + retry) and the heartbeat that keeps a shared dataset's leases.
import assert from "node:assert/strict";
import { afterEach, beforeEach, test } from "node:test";

import widget from "../../js/card/widget.js";
import { createCard } from "../../js/card/state.js";
import { buffer, clock, fakeModel, fakeStorage, ids } from "./helpers.mjs";

beforeEach(() => {
  globalThis.localStorage = fakeStorage();
});
afterEach(() => {
  delete globalThis.localStorage;
});

test("a wait keeps the answer pending, says the store is away, and asks for a retry", () => {
  const card = createCard({ now: clock(), newId: ids() });
  card.receive(buffer("jump", 1, ["0", "1", "2"]));
  const [first] = card.press("label", { value: "ham" }).send;
  const [second] = card.press("label", { value: "spam" }).send;
  const fx = card.receive({ type: "wait", id: first.id, reason: "server closed", retry_in: 2 });
  assert.equal(fx.retryIn, 2);
  assert.equal(card.pendingCount(), 2, "nothing leaves the outbox");
  assert.match(card.statusText(), /store unreachable: 2 answers kept here, retrying \(server closed\)/);
  assert.equal(card.currentAnswer(), null, "the person moved on to the next item");
  const again = card.resend().send;
  assert.deepEqual(again.map((m) => m.id), [first.id, second.id], "resent oldest first, same ids");
  card.receive({ type: "ack", id: first.id, event_id: 1 });
  card.receive({ type: "ack", id: second.id, event_id: 2 });
  assert.equal(card.pendingCount(), 0);
  assert.equal(card.statusText(), "saved");
});

test("a wait for an answer already acknowledged changes nothing", () => {
  const card = createCard({ now: clock(), newId: ids() });
  card.receive(buffer("jump", 1, ["0", "1"]));
  const [msg] = card.press("skip").send;
  card.receive({ type: "ack", id: msg.id, event_id: 4 });
  const fx = card.receive({ type: "wait", id: msg.id, reason: "late" });
  assert.equal(fx.changed, false);
  assert.equal(fx.retryIn, undefined);
});

test("initialize resends the outbox after a wait, until the store takes it", async () => {
  const stored = [{ type: "answer", id: "a1", seq: 1, key: "0", kind: "label", value: "ham" }];
  localStorage.setItem("nb_label:outbox:w1", JSON.stringify(stored));
  const m = fakeModel({ store_key: "w1" });
  const cleanup = widget.initialize({ model: m.proxy() }, { now: clock(), newId: ids() });
  assert.deepEqual(m.sent.map((x) => x.type), ["answer", "hello"]);
  m.sent.length = 0;
  m.fire("msg:custom", { type: "wait", id: "nope", reason: "x", retry_in: 0.01 });
  await new Promise((r) => setTimeout(r, 40));
  assert.deepEqual(m.sent, [], "a wait for an id not in the outbox schedules nothing");
  m.fire("msg:custom", { type: "wait", id: "a1", reason: "server closed", retry_in: 0.01 });
  await new Promise((r) => setTimeout(r, 40));
  assert.deepEqual(m.sent.map((x) => x.id), ["a1"], "resent once after the delay");
  m.fire("msg:custom", { type: "ack", id: "a1", event_id: 3 });
  await new Promise((r) => setTimeout(r, 40));
  assert.equal(m.sent.length, 1, "nothing more once acknowledged");
  assert.equal(localStorage.getItem("nb_label:outbox:w1"), null);
  cleanup();
});

test("the heartbeat runs only with heartbeat_seconds and stops on cleanup", async () => {
  const plain = fakeModel({ store_key: "h0", options: { buffer_target: 5 } });
  const stopPlain = widget.initialize({ model: plain.proxy() }, { now: clock(), newId: ids() });
  const shared = fakeModel({ store_key: "h1", options: { heartbeat_seconds: 0.01 } });
  const stopShared = widget.initialize({ model: shared.proxy() }, { now: clock(), newId: ids() });
  await new Promise((r) => setTimeout(r, 60));
  const beats = () => shared.sent.filter((x) => x.type === "heartbeat").length;
  assert.equal(plain.sent.filter((x) => x.type === "heartbeat").length, 0);
  assert.ok(beats() >= 2, `expected heartbeats, got ${beats()}`);
  stopShared();
  stopPlain();
  const after = beats();
  await new Promise((r) => setTimeout(r, 40));
  assert.equal(beats(), after, "no heartbeat after cleanup");
});
