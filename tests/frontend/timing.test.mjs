// Seconds per item pause while the page is hidden; header and suggestion texts.
import assert from "node:assert/strict";
import { test } from "node:test";

import { formatProgress, formatSuggestion } from "../../js/card/format.js";
import { createCard } from "../../js/card/state.js";
import { createStopwatch, itemsPerMinute } from "../../js/card/timing.js";
import { buffer, clock, ids } from "./helpers.mjs";

test("the stopwatch does not count time while hidden", () => {
  const now = clock();
  const watch = createStopwatch(now);
  watch.restart();
  now.advance(3_000);
  watch.setHidden(true);
  now.advance(60_000);
  assert.equal(watch.read(), 3_000);
  watch.setHidden(false);
  now.advance(2_000);
  assert.equal(watch.read(), 5_000);
});

test("an answer's seconds leave out the hidden time", () => {
  const now = clock();
  const card = createCard({ now, newId: ids() });
  card.receive(buffer("jump", 1, ["0", "1"]));
  now.advance(4_000);
  card.setHidden(true);
  now.advance(120_000);
  card.setHidden(false);
  now.advance(1_250);
  const [msg] = card.press("skip").send;
  assert.equal(msg.seconds, 5.25);
  now.advance(700);
  assert.equal(card.seconds(), 0.7, "the clock restarts for the next item");
});

test("an item shown while hidden starts counting when the page is visible", () => {
  const now = clock();
  const card = createCard({ now, newId: ids() });
  card.setHidden(true);
  card.receive(buffer("jump", 1, ["0"]));
  now.advance(30_000);
  card.setHidden(false);
  now.advance(2_000);
  assert.equal(card.press("skip").send[0].seconds, 2);
});

test("items per minute need two answers and use the last ten", () => {
  assert.equal(itemsPerMinute([]), null);
  assert.equal(itemsPerMinute([5]), null);
  const times = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((i) => (i < 2 ? i * 600_000 : 1_200_000 + i * 3_000));
  assert.equal(itemsPerMinute(times), (9 * 60_000) / (11 * 3_000 - 2 * 3_000));
});

test("the header says labelled / total, rate and pending", () => {
  const text = formatProgress({ labelled: 12, total: 5574, skipped: 0, flagged: 0 }, { pending: 2, perMinute: 9.31 });
  assert.equal(text, "12 / 5,574 labelled · 9.3 per min · 2 pending");
  assert.equal(formatProgress({ labelled: 1, total: 3, skipped: 2 }), "1 / 3 labelled · 2 skipped");
  assert.equal(formatProgress(null), "0 / 0 labelled");
});

test("the suggestion line names the label and its probability", () => {
  assert.equal(formatSuggestion({ value: "spam", display: "spam", p: 0.92 }), "Suggestion: spam (92%) — Enter to accept");
  assert.equal(formatSuggestion(null), "");
});
