// The items a widget holds: those it showed (its history, which Back walks), the one on
// screen, and the queue ahead that the kernel's `buffer` messages fill (docs/protocol.md).
// Pure: no DOM.

import { WAITING_TEXT, effects } from "./state_kit.js";

/**
 * Create a widget's item buffer.
 *
 * @param {object} spec
 * @param {(item) => object} spec.entryFor - the widget's history entry for a wire item.
 * @param {(entry) => void} [spec.onShow] - called with the entry put on screen (or null).
 * @param {() => Set} [spec.heldKeys] - keys a buffer must not queue again (those answered
 *   here); the key on screen and the queued ones are never queued twice either.
 * @returns {object} screen(), entries, show(), advance(), back(), receive(msg), and reads.
 */
export function createItemBuffer({ entryFor, onShow = () => {}, heldKeys = () => new Set() }) {
  let generation = -1; // the kernel's order: a buffer of an older one is stale
  let queue = []; // items ahead, in the current generation
  const entries = []; // the history of items shown, in order
  let index = 0; // entries[index] is on screen; index === entries.length: nothing shown

  const screen = () => (index < entries.length ? entries[index] : null);

  function show(i) {
    index = i;
    onShow(screen());
  }

  /** The next queued item on screen, when nothing is shown. */
  function pull() {
    if (index < entries.length || queue.length === 0) return;
    entries.push(entryFor(queue.shift()));
    show(entries.length - 1);
  }

  /** Move past the item on screen: to the next shown item, else the next queued one. */
  function advance() {
    if (index + 1 < entries.length) return show(index + 1);
    index = entries.length;
    return pull();
  }

  /** One item back in the history: false when there is none. */
  function back() {
    const target = Math.min(index, entries.length) - 1;
    if (target < 0) return false;
    show(target);
    return true;
  }

  /** A `buffer` message: jump (show its first item now), replace or append the queue. */
  function receive(msg) {
    const items = Array.isArray(msg.items) ? msg.items.filter((it) => it && "key" in it) : [];
    const gen = Number(msg.generation);
    if (msg.mode === "jump") {
      generation = gen;
      const [first, ...rest] = items;
      queue = rest;
      if (first) {
        // an unanswered item at the end of the history was never answered: drop it, the
        // kernel serves it again later
        const last = entries[entries.length - 1];
        if (last && index >= entries.length - 1 && last.answers.length === 0) entries.pop();
        entries.push(entryFor(first));
        show(entries.length - 1);
      }
      return effects([], true, first ? null : WAITING_TEXT);
    }
    if (gen < generation) return effects([], false); // a stale buffer from before a reorder
    if (msg.mode === "replace" || gen > generation) {
      generation = gen;
      queue = [];
    }
    const skip = heldKeys();
    const onScreen = screen();
    if (onScreen) skip.add(onScreen.item.key);
    for (const it of queue) skip.add(it.key);
    queue.push(...items.filter((it) => !skip.has(it.key)));
    pull();
    return effects([], true);
  }

  return {
    entries,
    screen,
    show,
    showEntry: (entry) => show(entries.indexOf(entry)),
    advance,
    back,
    receive,
    reviewing: () => index < entries.length - 1,
    ahead: () => queue.length,
    queuedKeys: () => queue.map((it) => it.key),
    historyKeys: () => entries.map((e) => e.item.key),
    generation: () => generation,
  };
}
