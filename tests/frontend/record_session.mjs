// A scripted session of both widgets; prints every message they send, one JSON per line.
// tests/test_protocol.py runs it and compares the fields with docs/protocol.md, both ways.
import widget from "../../js/card/widget.js";
import { createCard } from "../../js/card/state.js";
import { createSpanCard } from "../../js/spans/state.js";
import { buffer, clock, fakeModel, fakeStorage, ids } from "./helpers.mjs";

const sent = [];
const record = (fx) => sent.push(...fx.send);
globalThis.localStorage = fakeStorage();

// The card: every kind of answer, an accepted suggestion, a caption's typing time, undo.
const card = createCard({ now: clock(), newId: ids("card") });
card.receive(buffer("jump", 1, ["0", "1", "2", "3", "4", "5", "6"], {
  4: { suggestion: { value: "spam", display: "spam", p: 0.9 } },
}));
record(card.hello());
record(card.press("label", { value: "ham", note: "a note" }));
record(card.press("skip"));
record(card.press("unsure"));
record(card.press("none_fits", { value: { proposed: "promo", reason: "an advert" } }));
record(card.press("accept"));
card.typed(); // a caption's first keystroke
record(card.press("label", { value: "a caption" }));
record(card.press("undo"));

// The spans widget: a span saved, a text skipped.
const spans = createSpanCard({ now: clock(), newId: ids("spans") });
spans.receive({ type: "buffer", mode: "jump", generation: 1, items: [
  { key: '"a"', text: "Ana met Bo", sha: "sha-a", suggestions: [], saved: null, stale: false },
  { key: '"b"', text: "Oslo", sha: "sha-b", suggestions: [], saved: null, stale: false },
  { key: '"c"', text: "Rio", sha: "sha-c", suggestions: [], saved: null, stale: false },
] });
spans.press("select", { start: 0, end: 3 });
record(spans.press("label", { value: "PER" }));
record(spans.press("skip"));

// The glue: initialize's hello, and the heartbeat of a shared dataset.
const m = fakeModel({ store_key: "rec", options: { heartbeat_seconds: 0.01 } });
const stop = widget.initialize({ model: m.proxy() }, { now: clock(), newId: ids("glue") });
await new Promise((resolve) => setTimeout(resolve, 60));
stop();
sent.push(...m.sent);

for (const msg of sent) console.log(JSON.stringify(msg));
process.exit(0); // the heartbeat timer is the widget's: it would keep node alive
