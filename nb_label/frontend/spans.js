// nb_label spans widget: mark spans of a text by mouse or keyboard (one anywidget ES module,
// no build step). The messages are the item card's (docs/protocol.md); a label answer's
// value is {spans: [[start, end, label]], text_sha256}. Its one import, common.js (the
// outbox and anywidget glue it shares with card.js), is inlined by nb_label/_esm.py.
//
// Offsets: the kernel speaks Python str code points; DOM ranges and JS strings speak UTF-16
// units. The conversion happens in one place: itemFromWire (in) and spansToWire (out).
// Pure logic is exported by name for `node --test`; nothing touches the DOM at import time.

import {
  WAITING_TEXT,
  createGlue,
  createListeners,
  createOutbox,
  defaultNewId,
  effects,
  el,
  outboxMethods,
  receiver,
  safeColor,
  widgetRoot,
} from "./common.js";

export { defaultNewId };

const RTL_CHAR = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/;
const LTR_CHAR = /[A-Za-z\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF]/;

// ---------------------------------------------------------------------------------------
// Offsets: code points <-> UTF-16
// ---------------------------------------------------------------------------------------

/** UTF-16 index of code point offset `cp` in `text`. */
export function cpToUtf16(text, cp) {
  let i = 0;
  for (let n = 0; n < cp && i < text.length; n++) {
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
  }
  return i;
}

/** Code point offset of UTF-16 index `i` in `text`. */
export function utf16ToCp(text, i) {
  let cp = 0;
  for (let j = 0; j < i && j < text.length; cp++) {
    const c = text.charCodeAt(j);
    j += c >= 0xd800 && c <= 0xdbff && j + 1 < text.length ? 2 : 1;
  }
  return cp;
}

export function spansFromWire(text, spans) {
  return (Array.isArray(spans) ? spans : []).map(([s, e, label]) => [
    cpToUtf16(text, s),
    cpToUtf16(text, e),
    label,
  ]);
}

export function spansToWire(text, spans) {
  return spans.map(([s, e, label]) => [utf16ToCp(text, s), utf16ToCp(text, e), label]);
}

// ---------------------------------------------------------------------------------------
// Words: where the cursor stops and where mouse selections snap to
// ---------------------------------------------------------------------------------------

/** Word-like segments of `text` as [{start, end}] in UTF-16 units. */
export function wordSegments(text) {
  const out = [];
  if (typeof Intl !== "undefined" && typeof Intl.Segmenter === "function") {
    const seg = new Intl.Segmenter(undefined, { granularity: "word" });
    for (const s of seg.segment(text)) {
      if (s.isWordLike) out.push({ start: s.index, end: s.index + s.segment.length });
    }
    return out;
  }
  for (const m of text.matchAll(/[\p{L}\p{N}\p{M}_]+/gu)) {
    out.push({ start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/**
 * Snap a selection [start, end) to whole words: widened to the words it touches, trimmed of
 * spaces and punctuation at its edges. Returns null when it touches no word.
 */
export function snapToWords(words, start, end) {
  const a = Math.min(start, end);
  const b = Math.max(start, end);
  const touched = words.filter((w) => w.end > a && w.start < b);
  if (!touched.length) return null;
  return { start: touched[0].start, end: touched[touched.length - 1].end };
}

export function isRtl(text) {
  for (const ch of text) {
    if (RTL_CHAR.test(ch)) return true;
    if (LTR_CHAR.test(ch)) return false;
  }
  return false;
}

function overlapping(a, b) {
  return a[0] < b[1] && b[0] < a[1];
}

function sortSpans(spans) {
  return [...spans].sort((x, y) => x[0] - y[0] || x[1] - y[1] || String(x[2]).localeCompare(String(y[2])));
}

/**
 * Pieces of the text between every span boundary, each with the spans and suggestions that
 * cover it: [{start, end, spans: [...], suggested: [...], selected}].
 */
export function segments(text, spans, suggestions = [], selection = null) {
  const cuts = new Set([0, text.length]);
  for (const [s, e] of [...spans, ...suggestions]) cuts.add(s).add(e);
  if (selection) cuts.add(selection.start).add(selection.end);
  const points = [...cuts].filter((x) => x >= 0 && x <= text.length).sort((x, y) => x - y);
  const out = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i];
    const end = points[i + 1];
    if (end <= start) continue;
    const piece = [start, end];
    out.push({
      start,
      end,
      spans: spans.filter((sp) => overlapping(sp, piece)),
      suggested: suggestions.filter((sp) => overlapping(sp, piece)),
      selected: Boolean(selection && selection.start <= start && end <= selection.end),
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------------------

function labelMatches(label, event) {
  if (!label) return false;
  const digit = /^Digit([0-9])$/.exec(label.code || "");
  if (digit) return event.code === label.code || event.code === `Numpad${digit[1]}`;
  if (!label.key) return false;
  const key = String(label.key);
  if (event.key === key) return true;
  const m = /^Key([A-Z])$/.exec(event.code || "");
  return key.length === 1 && Boolean(m) && m[1].toLowerCase() === key.toLowerCase();
}

const LETTERS = { s: "skip", b: "back", z: "undo", u: "unsure", n: "focus_note" };

/**
 * Map a key press to an action: move (dir, extend), label (value), remove, accept, skip,
 * back, undo, unsure, focus_note, clear; null when the key is not ours.
 *
 * @param {object} [where] - `{place}`: "text" (default) or "note" (the note box). In the note
 *   box every key is "typing" (stop propagation only: the browser types it) except Escape and
 *   Enter (without Shift), which leave the box: no label key, no word cursor move.
 */
export function spanKeyAction(event, labels, { place = "text" } = {}) {
  if (!event || event.isComposing || event.keyCode === 229) return null;
  const key = event.key;
  if (place === "note") {
    if (event.ctrlKey || event.metaKey || event.altKey) return { action: "typing" };
    if (key === "Escape" || (key === "Enter" && !event.shiftKey)) return { action: "leave_note" };
    return { action: "typing" };
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return null; // copy, browser keys
  if (key === "ArrowRight" || key === "ArrowLeft") {
    return { action: "move", dir: key === "ArrowRight" ? 1 : -1, extend: Boolean(event.shiftKey) };
  }
  const list = Array.isArray(labels) ? labels : [];
  for (const label of list) if (labelMatches(label, event)) return { action: "label", value: label.value };
  if (key === "Enter") return { action: "accept" };
  if (key === "Delete" || key === "Backspace") return { action: "remove" };
  if (key === "Escape") return { action: "clear" };
  const letter = key && key.length === 1 ? key.toLowerCase() : null;
  if (letter && Object.hasOwn(LETTERS, letter)) return { action: LETTERS[letter] };
  return null;
}

// ---------------------------------------------------------------------------------------
// The widget's state: buffer, history of texts, their spans, outbox
// ---------------------------------------------------------------------------------------

/** A text as the widget holds it: UTF-16 offsets from here on. */
export function itemFromWire(item) {
  const text = String(item.text ?? "");
  const saved = item.saved && Array.isArray(item.saved.spans) ? item.saved : null;
  return {
    key: item.key,
    savedNote: saved && typeof saved.note === "string" ? saved.note : "",
    text,
    sha: item.sha,
    stale: Boolean(item.stale),
    wireSuggestions: Array.isArray(item.suggestions) ? item.suggestions : [],
    savedSpans: saved ? sortSpans(spansFromWire(text, saved.spans)) : null,
    suggestions: saved ? [] : sortSpans(spansFromWire(text, item.suggestions)),
    words: wordSegments(text),
    rtl: isRtl(text),
  };
}

/**
 * Create the widget's state. Methods return effects `{send, changed, announce}`.
 *
 * @param {object} [options] - `now` (ms clock), `newId`, `overlapping` (allow overlaps).
 */
export function createSpanCard(options = {}) {
  const now = options.now || (() => Date.now());
  const newId = options.newId || defaultNewId;
  let allowOverlap = Boolean(options.overlapping);
  let generation = -1;
  let queue = [];
  const history = []; // {item, spans, suggestions, answers, sel, anchor, focus}
  let index = 0;
  const outbox = createOutbox(now); // unacknowledged messages; connected; waiting
  const answerLog = []; // {entry, answer, before: {spans, suggestions}}
  let shownAt = now();
  let lastProblem = null;
  const { notify, subscribe } = createListeners("spans");
  const screen = () => (index < history.length ? history[index] : null);

  function entryFor(wire) {
    const item = itemFromWire(wire);
    const entry = {
      item,
      spans: item.savedSpans ? item.savedSpans : [],
      suggestions: item.suggestions,
      answers: item.savedSpans ? [{ id: null, kind: "label", status: "saved", note: item.savedNote }] : [],
      note: item.savedNote, // the note box's text for this text: sent with each answer
      sel: null,
      anchor: 0,
      focus: 0,
    };
    selectWord(entry, 0);
    return entry;
  }
  function selectWord(entry, i) {
    const words = entry.item.words;
    if (!words.length) {
      entry.sel = null;
      return;
    }
    const k = Math.max(0, Math.min(words.length - 1, i));
    entry.anchor = k;
    entry.focus = k;
    entry.sel = { start: words[k].start, end: words[k].end };
  }
  function wordIndexAt(entry, offset) {
    const words = entry.item.words;
    for (let i = 0; i < words.length; i++) if (words[i].end > offset) return i;
    return Math.max(0, words.length - 1);
  }
  function show(i) {
    index = i;
    shownAt = now();
  }
  function advance() {
    if (index + 1 < history.length) return show(index + 1);
    index = history.length;
    if (queue.length) {
      history.push(entryFor(queue.shift()));
      show(history.length - 1);
    }
  }
  function liveAnswers(entry) {
    return entry.answers.filter((a) => a.status !== "refused");
  }
  /** The note of the text's latest stored (or pending) answer: "" when none. */
  function sentNote(entry) {
    const live = liveAnswers(entry);
    return live.length ? live[live.length - 1].note || "" : "";
  }
  function knownKeys() {
    const keys = new Set();
    for (const e of history) if (liveAnswers(e).length || e === screen()) keys.add(e.item.key);
    for (const it of queue) keys.add(it.key);
    return keys;
  }
  const post = outbox.post;

  function receiveBuffer(msg) {
    const items = Array.isArray(msg.items) ? msg.items.filter((it) => it && "key" in it) : [];
    const gen = Number(msg.generation);
    if (msg.mode === "jump") {
      generation = gen;
      const [first, ...rest] = items;
      queue = rest;
      if (first) {
        const last = history[history.length - 1];
        if (last && index >= history.length - 1 && last.answers.length === 0) history.pop();
        history.push(entryFor(first));
        show(history.length - 1);
      }
      return effects([], true, first ? null : WAITING_TEXT);
    }
    if (gen < generation) return effects([], false);
    if (msg.mode === "replace" || gen > generation) {
      generation = gen;
      queue = [];
    }
    const skip = knownKeys();
    queue.push(...items.filter((it) => !skip.has(it.key)));
    if (index >= history.length && queue.length) {
      history.push(entryFor(queue.shift()));
      show(history.length - 1);
    }
    return effects([], true);
  }

  function find(id) {
    for (const logged of answerLog) if (logged.answer.id === id) return logged;
    return null;
  }

  function receiveAck(msg) {
    const had = outbox.ack(msg.id);
    const found = find(msg.id);
    if (found && found.answer.status === "pending") found.answer.status = "saved";
    return effects([], Boolean(had || found));
  }

  function receiveRefuse(msg) {
    const had = outbox.refuse(msg.id);
    const reason = String(msg.reason || "refused by the kernel");
    const found = find(msg.id);
    if (found) {
      found.answer.status = "refused";
      const { entry, answer, before } = found;
      if (entry.spans === answer.spans) {
        entry.spans = before.spans; // the screen must not show spans the store does not have
        entry.suggestions = before.suggestions;
      }
    }
    lastProblem = `not saved: ${reason}`;
    return effects([], Boolean(had || found), lastProblem);
  }

  /** Send the entry's spans as one answer; `next` moves on to the next text. */
  function saveSpans(entry, spans, suggestions, { next = false, t = now() } = {}) {
    const before = { spans: entry.spans, suggestions: entry.suggestions };
    const note = entry.note.trim() ? entry.note : "";
    const answer = { id: newId(), kind: "label", status: "pending", spans, note };
    entry.spans = spans;
    entry.suggestions = suggestions;
    entry.answers.push(answer);
    answerLog.push({ entry, answer, before });
    lastProblem = null;
    const seconds = Math.round((t - shownAt) / 10) / 100;
    if (next) advance();
    const showing = screen();
    const item = entry.item;
    const msg = post({
      type: "answer",
      id: answer.id,
      seq: outbox.nextSeq(),
      key: item.key,
      kind: "label",
      value: { spans: spansToWire(item.text, spans), text_sha256: item.sha },
      note: note || null,
      seconds,
      client_time: new Date(t).toISOString(),
      suggestion: item.wireSuggestions.length ? { value: item.wireSuggestions, p: null } : null,
      showing: showing ? showing.item.key : null,
      ahead: queue.length, // texts held ahead: the kernel tops the buffer up to its target
    });
    return effects([msg], true);
  }

  function describe(entry, span) {
    return `${span[2]} "${entry.item.text.slice(span[0], span[1])}"`;
  }

  function label(entry, value) {
    if (!entry.sel) return effects([], false, "select words first (mouse, or ←/→ with Shift)");
    const { start, end } = entry.sel;
    const same = entry.spans.find((s) => s[0] === start && s[1] === end);
    let spans;
    if (same && !allowOverlap) {
      if (same[2] === value) return effects([], false, `already ${describe(entry, same)}`);
      spans = entry.spans.map((s) => (s === same ? [start, end, value] : s)); // relabel
    } else {
      if (entry.spans.some((s) => s[0] === start && s[1] === end && s[2] === value)) {
        return effects([], false, "that span is already marked");
      }
      const clash = entry.spans.find((s) => overlapping(s, [start, end]));
      if (clash && !allowOverlap) {
        return effects([], false, `overlaps ${describe(entry, clash)}: press Delete on it first, or select it exactly to relabel it`);
      }
      spans = sortSpans([...entry.spans, [start, end, value]]);
    }
    // a suggestion under the new mark has been answered by it
    const suggestions = entry.suggestions.filter((s) => !overlapping(s, [start, end]));
    return saveSpans(entry, spans, suggestions);
  }

  function remove(entry) {
    if (!entry.sel) return effects([], false, "select a span first");
    const range = [entry.sel.start, entry.sel.end];
    const kept = entry.spans.filter((s) => !overlapping(s, range));
    const suggestions = entry.suggestions.filter((s) => !overlapping(s, range));
    if (kept.length === entry.spans.length) {
      if (suggestions.length === entry.suggestions.length) return effects([], false, "no span here");
      entry.suggestions = suggestions; // a rejected suggestion: nothing stored until Enter
      return effects([], true);
    }
    return saveSpans(entry, kept, suggestions);
  }

  function accept(entry, t) {
    const extra = entry.suggestions.filter((s) => allowOverlap || !entry.spans.some((x) => overlapping(x, s)));
    const noteChanged = (entry.note.trim() ? entry.note : "") !== sentNote(entry);
    if (extra.length || liveAnswers(entry).length === 0 || noteChanged) {
      return saveSpans(entry, sortSpans([...entry.spans, ...extra]), [], { next: true, t });
    }
    advance();
    return effects([], true);
  }

  /** Leave the text with a skip or a flag ("unsure"); the note goes with it. */
  function leave(entry, kind, t) {
    const note = entry.note.trim() ? entry.note : "";
    const answer = { id: newId(), kind, status: "pending", spans: entry.spans, note };
    entry.answers.push(answer);
    answerLog.push({ entry, answer, before: { spans: entry.spans, suggestions: entry.suggestions } });
    advance();
    const showing = screen();
    return effects([
      post({
        type: "answer",
        id: answer.id,
        seq: outbox.nextSeq(),
        key: entry.item.key,
        kind,
        value: null,
        note: note || null,
        seconds: Math.round((t - shownAt) / 10) / 100,
        client_time: new Date(t).toISOString(),
        suggestion: null,
        showing: showing ? showing.item.key : null,
        ahead: queue.length,
      }),
    ]);
  }

  function move(entry, dir, extend) {
    const words = entry.item.words;
    if (!words.length) return effects([], false);
    const step = entry.item.rtl ? -dir : dir; // arrows follow the screen in right-to-left text
    if (!extend) {
      selectWord(entry, (entry.sel ? entry.focus : -1) + step);
      return effects([], true);
    }
    entry.focus = Math.max(0, Math.min(words.length - 1, entry.focus + step));
    const a = Math.min(entry.anchor, entry.focus);
    const b = Math.max(entry.anchor, entry.focus);
    entry.sel = { start: words[a].start, end: words[b].end };
    return effects([], true);
  }

  /** A selection made with the mouse (UTF-16 offsets), snapped to whole words. */
  function select(entry, start, end) {
    const hit = (end === start)
      ? entry.spans.find((s) => s[0] <= start && start < s[1]) || entry.suggestions.find((s) => s[0] <= start && start < s[1])
      : null;
    const snapped = hit ? { start: hit[0], end: hit[1] } : snapToWords(entry.item.words, start, Math.max(end, start + 1));
    if (!snapped) return effects([], false);
    entry.sel = snapped;
    entry.anchor = wordIndexAt(entry, snapped.start);
    entry.focus = wordIndexAt(entry, snapped.end - 1);
    return effects([], true);
  }

  function undo() {
    const last = answerLog.pop();
    if (!last) return effects([], false, "nothing to undo");
    const { entry, answer, before } = last;
    entry.answers.splice(entry.answers.lastIndexOf(answer), 1);
    entry.spans = before.spans;
    entry.suggestions = before.suggestions;
    const send = [];
    if (answer.status !== "refused") {
      send.push(post({ type: "retract", id: newId(), seq: outbox.nextSeq(), key: entry.item.key, retracts: answer.id }));
    }
    show(history.indexOf(entry));
    lastProblem = null;
    return effects(send, true);
  }

  /** One human action; see spanKeyAction for the names. */
  function press(action, opts = {}) {
    const t = opts.now ?? now();
    if (action === "undo") return undo();
    if (action === "back") {
      if (Math.min(index, history.length) - 1 < 0) return effects([], false, "nothing to go back to");
      show(Math.min(index, history.length) - 1);
      return effects([], true);
    }
    const entry = screen();
    if (!entry) return effects([], false, WAITING_TEXT); // never answer a text not seen
    switch (action) {
      case "move":
        return move(entry, opts.dir || 1, Boolean(opts.extend));
      case "select":
        return select(entry, Number(opts.start), Number(opts.end));
      case "clear":
        entry.sel = null;
        return effects([], true);
      case "label":
        return label(entry, opts.value);
      case "remove":
        return remove(entry);
      case "accept":
        return accept(entry, t);
      case "skip":
        return leave(entry, "skip", t);
      case "unsure":
        return leave(entry, "flag", t);
      default:
        return effects([], false);
    }
  }

  function statusText() {
    return outbox.status({ problem: lastProblem, showing: Boolean(screen()) });
  }

  function snapshot() {
    const entry = screen();
    const answer = entry ? entry.answers[entry.answers.length - 1] || null : null;
    return {
      entry,
      item: entry ? entry.item : null,
      note: entry ? entry.note : "",
      answerKind: answer ? answer.kind : null,
      spans: entry ? entry.spans : [],
      suggestions: entry ? entry.suggestions : [],
      sel: entry ? entry.sel : null,
      answerStatus: answer ? answer.status : null,
      ...outbox.snapshot(), // pending, saved, connected, waiting
      status: statusText(),
    };
  }

  return {
    ...outboxMethods(outbox),
    // the store away: the answer stays pending (outbox.wait) and is sent again later
    receive: receiver({ buffer: receiveBuffer, ack: receiveAck, refuse: receiveRefuse, wait: outbox.wait }),
    press,
    hello: () => outbox.hello(),
    snapshot,
    statusText,
    setOverlapping(value) {
      allowOverlap = Boolean(value);
    },
    current: () => screen(),
    /** The note box's text for the text on screen (kept with that text, sent with its answers). */
    note: () => (screen() ? screen().note : ""),
    setNote(text) {
      const entry = screen();
      if (entry) entry.note = String(text ?? "");
    },
    queuedKeys: () => queue.map((it) => it.key),
    historyKeys: () => history.map((e) => e.item.key),
    notify,
    subscribe,
  };
}

// ---------------------------------------------------------------------------------------
// DOM: text nodes only, never HTML
// ---------------------------------------------------------------------------------------

/** Build the marked text: one element per segment, its text set with textContent. */
export function buildText(doc, text, spans, suggestions, selection, colors = {}) {
  const frag = doc.createDocumentFragment();
  const ends = new Map();
  for (const s of spans) ends.set(s[1], [...(ends.get(s[1]) || []), s[2]]);
  for (const seg of segments(text, spans, suggestions, selection)) {
    const node = doc.createElement(seg.spans.length ? "mark" : "span");
    node.className = "nbl-seg";
    node.dataset.start = String(seg.start);
    node.dataset.end = String(seg.end);
    node.textContent = text.slice(seg.start, seg.end);
    if (seg.spans.length) {
      node.classList.add("nbl-mark");
      const labels = seg.spans.map((s) => String(s[2]));
      node.dataset.label = labels.join(" ");
      if (seg.spans.length > 1) node.classList.add("nbl-mark-overlap");
      const color = colors[labels[0]];
      if (safeColor(color)) node.style.setProperty("--nbl-span-color", safeColor(color));
      node.title = labels.join(", ");
      const closing = ends.get(seg.end);
      if (closing && seg.spans.some((s) => s[1] === seg.end)) node.dataset.tag = closing.join("+");
    }
    if (seg.suggested.length) {
      node.classList.add("nbl-suggested");
      node.dataset.suggested = seg.suggested.map((s) => String(s[2])).join(" ");
      if (!seg.spans.length && seg.suggested.some((s) => s[1] === seg.end)) {
        node.dataset.tag = `${seg.suggested.map((s) => String(s[2])).join("+")}?`;
      }
    }
    if (seg.selected) node.classList.add("nbl-selected");
    frag.appendChild(node);
  }
  return frag;
}

/** UTF-16 offset in the text of a DOM (node, offset) position inside `container`. */
export function domOffset(container, node, offset) {
  if (!node) return null;
  if (node.nodeType === 3) {
    const seg = node.parentElement && node.parentElement.closest("[data-start]");
    return seg && container.contains(seg) ? Number(seg.dataset.start) + offset : null;
  }
  if (node === container) {
    const child = container.children[offset];
    if (child) return Number(child.dataset.start);
    const last = container.lastElementChild;
    return last ? Number(last.dataset.end) : 0;
  }
  const seg = node.closest && node.closest("[data-start]");
  if (!seg || !container.contains(seg)) return null;
  return offset === 0 ? Number(seg.dataset.start) : Number(seg.dataset.end);
}

// ---------------------------------------------------------------------------------------
// anywidget glue
// ---------------------------------------------------------------------------------------

const { stateFor, initialize } = createGlue({
  name: "spans",
  storagePrefix: "nb_label:spans-outbox:",
  create: (model, cardOptions) =>
    createSpanCard({ overlapping: (model.get("options") || {}).overlapping, ...(cardOptions || {}) }),
  setup(model, card) {
    const onOptions = () => card.setOverlapping((model.get("options") || {}).overlapping);
    model.on("change:options", onOptions);
    return null;
  },
});

const ACTIONS = [
  ["accept", "Accept & next", "Enter"],
  ["remove", "Remove span", "Del"],
  ["skip", "Skip", "s"],
  ["unsure", "Unsure", "u"],
  ["back", "Back", "b"],
  ["undo", "Undo", "z"],
];

function render({ model, el: host }) {
  const state = stateFor(model);
  const { card, apply } = state;

  const root = widgetRoot("nbl-spans", "nb_label span labelling");
  const header = el("div", "nbl-spans-header");
  const progress = el("span", "nbl-spans-progress");
  const message = el("span", "nbl-spans-message");
  header.append(progress, message);
  const textBox = el("div", "nbl-span-text");
  textBox.dir = "auto";
  const hint = el("div", "nbl-spans-hint");
  const labelRow = el("div", "nbl-spans-labels");
  const actionRow = el("div", "nbl-spans-actions");
  for (const [action, name, key] of ACTIONS) {
    const b = el("button", "nbl-spans-action");
    b.type = "button";
    b.dataset.action = action;
    b.append(el("span", "", name), el("kbd", "nbl-kbd", key));
    b.setAttribute("aria-label", name);
    actionRow.appendChild(b);
  }
  // The note: kept with the text on screen, sent with its next answer. Its text is a value,
  // never HTML; keys typed in it never reach the word cursor or the label keys.
  const note = el("textarea", "nbl-spans-note");
  note.placeholder = "Note (n)";
  note.rows = 1;
  note.dir = "auto";
  note.setAttribute("aria-label", "Note");
  let noteFor = null; // the entry whose note the box shows
  const status = el("div", "nbl-spans-status");
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  const keys = el("div", "nbl-spans-keys");
  root.append(header, textBox, hint, labelRow, actionRow, note, status, keys);
  host.appendChild(root);

  let announcement = null;
  let labelsShown = null;
  const labels = () => (Array.isArray(model.get("labels")) ? model.get("labels") : []);
  const colors = () => Object.fromEntries(labels().map((l) => [String(l.value), l.color]));

  function buildLabels() {
    const list = labels();
    if (list === labelsShown) return;
    labelsShown = list;
    labelRow.replaceChildren();
    list.forEach((label, i) => {
      const b = el("button", "nbl-spans-label");
      b.type = "button";
      b.dataset.valueIndex = String(i);
      const name = label.display ?? String(label.value);
      b.append(el("span", "", name));
      if (label.key) b.append(el("kbd", "nbl-kbd", label.key));
      b.setAttribute("aria-label", `Label ${name}`);
      if (label.definition) b.title = String(label.definition);
      const color = safeColor(label.color);
      if (color) b.style.setProperty("--nbl-span-color", color);
      labelRow.appendChild(b);
    });
    keys.replaceChildren();
    const add = (k, what) => {
      const span = el("span", "nbl-spans-key");
      span.append(el("kbd", "nbl-kbd", k), document.createTextNode(` ${what}`));
      keys.appendChild(span);
    };
    for (const label of list) if (label.key) add(label.key, label.display ?? label.value);
    for (const [k, what] of Object.entries(model.get("keymap") || {})) add(k, what);
  }

  function update() {
    const snap = card.snapshot();
    buildLabels();
    const p = model.get("progress") || {};
    progress.textContent = `${p.labelled || 0} / ${p.total || 0} texts done${snap.pending ? ` · ${snap.pending} pending` : ""}`;
    message.textContent = model.get("message") || "";
    textBox.replaceChildren();
    if (snap.item) {
      textBox.dataset.key = snap.item.key;
      textBox.appendChild(buildText(document, snap.item.text, snap.spans, snap.suggestions, snap.sel, colors()));
      textBox.dataset.spans = JSON.stringify(spansToWire(snap.item.text, snap.spans));
    } else {
      delete textBox.dataset.key;
      delete textBox.dataset.spans;
      textBox.appendChild(el("div", "nbl-spans-waiting", WAITING_TEXT));
    }
    const tips = [];
    if (snap.item && snap.item.stale) tips.push("the text changed since its spans were saved: mark it again");
    if (snap.suggestions.length) tips.push(`${snap.suggestions.length} suggested (dashed): Enter accepts, Delete rejects one, a label key fixes one`);
    if (snap.answerKind === "flag") tips.push("flagged as unsure");
    hint.textContent = tips.join(" · ");
    hint.hidden = !tips.length;
    // another text on screen: its own note; the same text: never overwrite what is being typed
    if (snap.entry !== noteFor || document.activeElement !== note) {
      if (note.value !== snap.note) note.value = snap.note;
      noteFor = snap.entry;
    }
    note.disabled = !snap.item;
    status.textContent = announcement || snap.status;
    root.dataset.pending = String(snap.pending);
    root.dataset.saved = String(snap.saved);
    root.dataset.connected = String(snap.connected);
    root.dataset.waiting = String(!snap.item);
    root.dataset.answer = snap.answerStatus || "";
    root.classList.toggle("nbl-disconnected", !snap.connected);
  }

  function dispatch(act) {
    announcement = null;
    if (act.action === "focus_note") {
      if (!card.current()) return apply({ send: [], changed: false, announce: WAITING_TEXT });
      return note.focus();
    }
    if (act.action === "leave_note") {
      if (noteFor === card.current()) card.setNote(note.value);
      return root.focus({ preventScroll: true });
    }
    return apply(card.press(act.action, act)); // the note is in the state already (input)
  }

  function onKeyDown(event) {
    if (event.target && event.target.tagName === "BUTTON" && (event.key === "Enter" || event.key === " ")) {
      event.stopPropagation(); // the button's own click does it
      return;
    }
    const act = spanKeyAction(event, labels(), { place: event.target === note ? "note" : "text" });
    if (!act) return;
    event.stopPropagation(); // never let a handled key reach JupyterLab
    if (act.action === "typing") return; // the browser types it into the note
    event.preventDefault();
    dispatch(act);
  }

  const onNoteInput = () => {
    if (noteFor === card.current()) card.setNote(note.value);
  };

  // Drags are read from caret positions at mousedown and mouseup, not from the page's
  // selection: the notebook around the widget may move or drop a native selection.
  function offsetAtPoint(x, y) {
    let node = null;
    let offset = 0;
    if (document.caretRangeFromPoint) {
      const r = document.caretRangeFromPoint(x, y);
      if (r) [node, offset] = [r.startContainer, r.startOffset];
    } else if (document.caretPositionFromPoint) {
      const p = document.caretPositionFromPoint(x, y);
      if (p) [node, offset] = [p.offsetNode, p.offset];
    }
    return node && textBox.contains(node) ? domOffset(textBox, node, offset) : null;
  }

  let dragFrom = null;
  function onMouseDown(event) {
    dragFrom = event.button === 0 ? offsetAtPoint(event.clientX, event.clientY) : null;
  }

  function onMouseUp(event) {
    if (event.button !== 0 || dragFrom === null) return;
    const to = offsetAtPoint(event.clientX, event.clientY);
    const from = dragFrom;
    dragFrom = null;
    if (to === null) return;
    const selection = globalThis.getSelection ? globalThis.getSelection() : null;
    if (selection && selection.removeAllRanges) selection.removeAllRanges(); // ours is drawn
    // a click (no drag) selects the span or word under the pointer
    dispatch({ action: "select", start: Math.min(from, to), end: Math.max(from, to) });
    root.focus({ preventScroll: true });
  }

  function onClick(event) {
    const button = event.target.closest && event.target.closest("button");
    if (!button || !root.contains(button)) return;
    if (button.classList.contains("nbl-spans-label")) {
      const label = labels()[Number(button.dataset.valueIndex)];
      if (label) dispatch({ action: "label", value: label.value });
    } else if (button.dataset.action) {
      dispatch({ action: button.dataset.action });
    }
    root.focus({ preventScroll: true });
  }

  root.addEventListener("keydown", onKeyDown);
  textBox.addEventListener("mousedown", onMouseDown);
  textBox.addEventListener("mouseup", onMouseUp);
  root.addEventListener("click", onClick);
  note.addEventListener("input", onNoteInput);
  const detach = state.attach((text) => {
    announcement = text || null;
  }, update);
  return () => {
    detach();
    root.removeEventListener("keydown", onKeyDown);
    textBox.removeEventListener("mousedown", onMouseDown);
    textBox.removeEventListener("mouseup", onMouseUp);
    root.removeEventListener("click", onClick);
    note.removeEventListener("input", onNoteInput);
    root.remove();
  };
}

// Only the default export: anywidget treats a module with a named `render` as legacy.
export default { initialize, render };
