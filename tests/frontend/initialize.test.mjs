// anywidget's initialize with a fake model: hello, the localStorage outbox, shared state.
import assert from "node:assert/strict";
import { afterEach, beforeEach, test } from "node:test";

import widget from "../../js/card/widget.js";
import { createCard } from "../../js/card/state.js";
import { createGlue } from "../../js/shared/glue.js";
import { buffer, clock, fakeModel, fakeStorage, ids } from "./helpers.mjs";

beforeEach(() => {
  globalThis.localStorage = fakeStorage();
});
afterEach(() => {
  delete globalThis.localStorage;
});

test("importing the module touches no browser globals", async () => {
  assert.equal(typeof globalThis.document, "undefined");
  assert.equal(typeof widget.initialize, "function");
  assert.equal(typeof widget.render, "function");
});

test("initialize resends the stored outbox, then says hello", () => {
  const stored = [{ type: "answer", id: "a1", seq: 3, key: "4", kind: "skip", value: null }];
  localStorage.setItem("nb_label:outbox:k1", JSON.stringify(stored));
  const m = fakeModel({ store_key: "k1" });
  const cleanup = widget.initialize({ model: m.proxy() }, { now: clock(), newId: ids() });
  assert.deepEqual(m.sent.map((x) => x.type), ["answer", "hello"]);
  assert.equal(m.sent[0].id, "a1");
  m.fire("msg:custom", { type: "ack", id: "a1", event_id: 9 });
  assert.equal(localStorage.getItem("nb_label:outbox:k1"), null, "acknowledged: nothing left to resend");
  cleanup();
});

test("a corrupt or blocked localStorage does not stop the card", () => {
  localStorage.setItem("nb_label:outbox:k2", "{not json");
  const m = fakeModel({ store_key: "k2" });
  widget.initialize({ model: m.proxy() }, { now: clock(), newId: ids() })();
  assert.deepEqual(m.sent.map((x) => x.type), ["hello"]);
  globalThis.localStorage = {
    getItem() {
      throw new Error("SecurityError");
    },
  };
  const m2 = fakeModel({ store_key: "k3" });
  widget.initialize({ model: m2.proxy() }, { now: clock(), newId: ids() })();
  assert.deepEqual(m2.sent.map((x) => x.type), ["hello"]);
});

test("every proxy of one model finds the same state: Jupyter's layout object", () => {
  const glue = createGlue({ name: "t", storagePrefix: "t:", create: (_, o) => createCard(o) });
  const m = fakeModel({ store_key: "k4" });
  const first = glue.stateFor(m.proxy());
  assert.equal(glue.stateFor(m.proxy()), first, "initialize and render share one card");
  assert.notEqual(glue.stateFor(fakeModel({ store_key: "k4" }).proxy()), first);
});

test("marimo: a layout given as its id string still keys one state per model", () => {
  // marimo hands `layout` as "IPY_MODEL_<id>", and initialize and render different proxies.
  const glue = createGlue({ name: "t", storagePrefix: "t:", create: (_, o) => createCard(o) });
  const m = fakeModel({ store_key: "k5", layout: "IPY_MODEL_aaa" });
  const first = glue.stateFor(m.proxy());
  assert.equal(glue.stateFor(m.proxy()), first, "the second proxy found the same card");
  const other = fakeModel({ store_key: "k6", layout: "IPY_MODEL_bbb" });
  assert.notEqual(glue.stateFor(other.proxy()), first, "another model, another card");
});
