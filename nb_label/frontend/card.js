// nb_label item card: one anywidget ES module (no build step). Its one import, common.js
// (shared with the spans widget), is inlined by nb_label/_esm.py before anywidget loads it.
//
// The contract with the kernel is docs/protocol.md. The pure logic (state machine, key
// mapping, stopwatch, formatting) is exported by name so `node --test` can import this file;
// nothing here touches document/window/localStorage at import time.

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

const ACK_OVERDUE_MS = 10_000;
const RATE_WINDOW = 10; // answers used for the items-per-minute figure

// ---------------------------------------------------------------------------------------
// Small pure helpers
// ---------------------------------------------------------------------------------------

/**
 * Measures visible time: pauses while the page is hidden so `seconds` counts attention,
 * not wall time.
 */
export function createStopwatch(now = () => Date.now()) {
  let startedAt = null; // null while paused
  let banked = 0;
  let hidden = false;
  return {
    restart(t = now()) {
      banked = 0;
      startedAt = hidden ? null : t;
    },
    setHidden(isHidden, t = now()) {
      if (isHidden === hidden) return;
      hidden = isHidden;
      if (hidden && startedAt !== null) {
        banked += t - startedAt;
        startedAt = null;
      } else if (!hidden) {
        startedAt = t;
      }
    },
    /** Visible milliseconds since the last restart. */
    read(t = now()) {
      return banked + (startedAt === null ? 0 : Math.max(0, t - startedAt));
    },
    get hidden() {
      return hidden;
    },
  };
}

/** Items per minute from the times (ms) of the last answers; null until two answers exist. */
export function itemsPerMinute(times) {
  const recent = times.slice(-RATE_WINDOW);
  if (recent.length < 2) return null;
  const span = recent[recent.length - 1] - recent[0];
  if (span <= 0) return null;
  return ((recent.length - 1) * 60_000) / span;
}

/** The header line: "12 / 5,574 labelled · 9.3 per min · 2 pending". */
// One cached formatter: toLocaleString builds a new one per call (~1 ms per key press).
const NUMBER_FORMAT = new Intl.NumberFormat("en-US");

export function formatProgress(progress, { pending = 0, perMinute = null } = {}) {
  const p = progress || {};
  const fmt = (n) => NUMBER_FORMAT.format(Number(n || 0));
  const parts = [`${fmt(p.labelled)} / ${fmt(p.total)} labelled`];
  if (perMinute !== null && Number.isFinite(perMinute)) {
    parts.push(`${perMinute.toFixed(1)} per min`);
  }
  if (p.skipped) parts.push(`${fmt(p.skipped)} skipped`);
  if (p.flagged) parts.push(`${fmt(p.flagged)} unsure`);
  if (pending) parts.push(`${fmt(pending)} pending`);
  return parts.join(" · ");
}

/** The suggestion line, or "" when there is none. */
export function formatSuggestion(suggestion) {
  if (!suggestion) return "";
  const name = suggestion.display ?? String(suggestion.value);
  const pct = typeof suggestion.p === "number" ? ` (${Math.round(suggestion.p * 100)}%)` : "";
  return `Suggestion: ${name}${pct} — Enter to accept`;
}

// ---------------------------------------------------------------------------------------
// Keys: a pure mapping from a KeyboardEvent-like object to an action
// ---------------------------------------------------------------------------------------

const RESERVED = {
  Enter: "accept",
  s: "skip",
  b: "back",
  z: "undo",
  u: "unsure",
  x: "none_fits",
  n: "focus_note",
  p: "play",
  Escape: "focus_card",
};

/** The letter a key press means: event.key, or event.code ("KeyS") on non-Latin layouts. */
function letterOf(event) {
  const key = event.key || "";
  if (key.length === 1 && /[a-z]/i.test(key)) return key.toLowerCase();
  const m = /^Key([A-Z])$/.exec(event.code || "");
  if (key.length === 1 && m && !/[0-9]/.test(key)) return m[1].toLowerCase();
  return key.length === 1 ? key.toLowerCase() : null;
}

function labelMatches(label, event) {
  if (!label) return false;
  const code = label.code || "";
  const digit = /^Digit([0-9])$/.exec(code);
  if (digit) return event.code === code || event.code === `Numpad${digit[1]}`;
  if (!label.key) return false;
  const key = String(label.key);
  if (event.key === key) return true;
  return key.length === 1 && /[a-z]/i.test(key) && letterOf(event) === key.toLowerCase();
}

/**
 * Map a key press to what the card should do.
 *
 * @param {object} event - KeyboardEvent-like: key, code, isComposing, ctrlKey, metaKey,
 *   altKey, shiftKey.
 * @param {Array} labels - the `labels` trait.
 * @param {object} [where] - `{place}`: "card" (default), "note" (the note box), "form" (the
 *   none-fits form) or "button" (a focused button).
 * @returns {null | {action: string, value?: any, index?: number}} null: not ours, let it go.
 *   action "typing": stop propagation only (the browser types or clicks).
 */
export function keyAction(event, labels, { place = "card", answer = "label" } = {}) {
  if (!event || event.isComposing || event.keyCode === 229) return null;
  const key = event.key;
  // Alt+P plays or pauses from anywhere, so a transcriber can listen again while typing.
  if (event.altKey && event.code === "KeyP" && !event.ctrlKey && !event.metaKey) return { action: "play" };
  if (place === "answer_box") return answerBoxAction(event, answer);
  if (
    answer === "number" &&
    !(event.ctrlKey || event.metaKey || event.altKey) &&
    /^[0-9.,-]$/.test(key || "")
  ) {
    return { action: "type_answer", text: key }; // typed at the card: goes into the box
  }
  if (place === "note" || place === "form") {
    if (event.ctrlKey || event.metaKey || event.altKey) return { action: "typing" };
    if (key === "Escape") return { action: place === "note" ? "leave_note" : "cancel_form" };
    if (key === "Enter" && !event.shiftKey) {
      return { action: place === "note" ? "leave_note" : "submit_form" };
    }
    return { action: "typing" };
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return null; // copy, paste, browser keys
  if (place === "button" && (key === "Enter" || key === " ")) return { action: "typing" };
  const list = Array.isArray(labels) ? labels : [];
  for (let i = 0; i < list.length; i++) {
    if (labelMatches(list[i], event)) {
      return { action: answer === "multi" ? "toggle" : "label", value: list[i].value, index: i };
    }
  }
  if (key === "Enter" && answer === "multi") return { action: "submit_answer" };
  if (key === "Enter" && (answer === "number" || answer === "caption")) {
    return { action: "focus_answer" };
  }
  if (key === "Enter" || key === "Escape") return { action: RESERVED[key] };
  const letter = letterOf(event);
  if (letter && Object.hasOwn(RESERVED, letter)) return { action: RESERVED[letter] };
  return null;
}

/** Keys inside the number or caption box: typing, except Enter (send), Escape, arrows. */
function answerBoxAction(event, answer) {
  const key = event.key;
  if (event.ctrlKey || event.metaKey || event.altKey) return { action: "typing" };
  if (key === "Escape") return { action: "focus_card" };
  if (key === "Enter") {
    if (answer === "caption" && event.shiftKey) return { action: "typing" }; // a new line
    return { action: "submit_answer" };
  }
  if (answer === "number" && (key === "ArrowUp" || key === "ArrowDown")) {
    return { action: "nudge", steps: (key === "ArrowUp" ? 1 : -1) * (event.shiftKey ? 10 : 1) };
  }
  return { action: "typing" };
}

// ---------------------------------------------------------------------------------------
// Answer kinds: checks the card can make before sending (the kernel checks again)
// ---------------------------------------------------------------------------------------

/** The answer kind's description from the `options` trait; a single label by default. */
export function answerKind(options) {
  const answer = options && typeof options === "object" ? options.answer : null;
  return answer && typeof answer === "object" && answer.kind ? answer : { kind: "label" };
}

function decimals(x) {
  const text = String(x);
  return text.includes(".") ? text.length - text.indexOf(".") - 1 : 0;
}

/** A number box's text as a number, or null when it is not one ("3,5" reads as 3.5). */
export function parseNumber(text) {
  const t = String(text ?? "").trim().replace(",", ".");
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** ArrowUp / ArrowDown: move by `steps` steps from the box's number, within the bounds. */
export function nudgeNumber(answer, text, steps) {
  const step = Number(answer.step) > 0 ? Number(answer.step) : 1;
  const low = typeof answer.min === "number" ? answer.min : null;
  const high = typeof answer.max === "number" ? answer.max : null;
  const current = parseNumber(text);
  let next = current === null ? (low ?? 0) : current + steps * step;
  if (low !== null) next = Math.max(low, next);
  if (high !== null) next = Math.min(high, next);
  const places = Math.max(decimals(step), current === null ? 0 : decimals(current));
  return String(Number(next.toFixed(Math.min(places, 10))));
}

/**
 * Check an answer before it is sent. `draft` is the toggled labels (multi), the box's text
 * (number, caption) or the label / step itself.
 *
 * @returns {{ok: true, value: any} | {ok: false, reason: string}}
 */
export function checkAnswer(answer, draft, labels = []) {
  const kind = answer.kind;
  if (kind === "multi") {
    const chosen = new Set(Array.isArray(draft) ? draft : []);
    // in the label set's order, each once
    const value = labels.map((l) => l.value).filter((v) => chosen.has(v));
    const least = Number(answer.min_labels ?? 1);
    if (value.length < least) {
      const need = least === 1 ? "one label" : `${least} labels`;
      return { ok: false, reason: `choose at least ${need}: toggle labels with their keys, then press Enter` };
    }
    return { ok: true, value };
  }
  if (kind === "number") {
    const n = parseNumber(draft);
    if (n === null) return { ok: false, reason: "not a number: type a number, e.g. 3 or 2.5" };
    const low = typeof answer.min === "number" ? answer.min : null;
    const high = typeof answer.max === "number" ? answer.max : null;
    if ((low !== null && n < low) || (high !== null && n > high)) {
      const bounds = [low !== null ? `at least ${low}` : "", high !== null ? `at most ${high}` : ""];
      return { ok: false, reason: `${n} is out of bounds: give a number ${bounds.filter(Boolean).join(" and ")}` };
    }
    return { ok: true, value: n };
  }
  if (kind === "caption") {
    const text = String(draft ?? "");
    if (!text.trim() && !answer.allow_empty) {
      return { ok: false, reason: "the caption is empty: type the text first (or skip with s)" };
    }
    const most = Number(answer.max_length) || Infinity;
    if (text.length > most) return { ok: false, reason: `the caption is longer than ${most} characters` };
    return { ok: true, value: text };
  }
  return { ok: true, value: draft };
}

/** An answer's value as one line of text: labels joined, numbers and texts as they are. */
export function formatValue(value, labels = []) {
  const name = (v) => {
    const found = labels.find((l) => l.value === v);
    return found ? found.display ?? String(found.value) : String(v);
  };
  if (Array.isArray(value)) return value.length ? value.map(name).join(", ") : "(no labels)";
  if (typeof value === "string" && !labels.length) return value.replace(/\s+/g, " ");
  return name(value);
}

// ---------------------------------------------------------------------------------------
// The card's state machine
// ---------------------------------------------------------------------------------------

/** What an undo names: "spam", "skip", "unsure", "none fits", "a, b" (multi-label). */
export function undoneText(answer) {
  if (answer.kind === "label") {
    return Array.isArray(answer.value) ? answer.value.map(String).join(", ") : String(answer.value);
  }
  return { flag: "unsure", none_fits: "none fits" }[answer.kind] || answer.kind;
}

const ANSWER_KINDS = { label: "label", accept: "label", skip: "skip", unsure: "flag", none_fits: "none_fits" };

/**
 * Create the card's state: buffer, history, outbox. Methods take inputs and return effects
 * `{send: [messages], changed: boolean, announce: string | null}`; the caller sends the
 * messages and re-renders.
 *
 * @param {object} [options]
 * @param {() => number} [options.now] - clock in ms (injectable for tests).
 * @param {() => string} [options.newId] - client event id factory.
 */
export function createCard(options = {}) {
  const now = options.now || (() => Date.now());
  const newId = options.newId || defaultNewId;
  const stopwatch = createStopwatch(now);

  let generation = -1;
  let queue = []; // items ahead, in the current generation
  // history: items shown, in order. entry = {item, answers: [answer...]}; the shown answer is
  // the last one. answer = {id, kind, value, note, status: pending|saved|refused, reason}
  const history = [];
  let index = 0; // history[index] is on screen; index === history.length means nothing shown
  const outbox = createOutbox(now); // unacknowledged messages; connected; waiting
  const answerLog = []; // {entry, answer}: this card's own answers, for undo
  const answerTimes = [];
  let draftNote = "";
  let typingSince = null; // first keystroke in the answer box (caption) for the item on screen
  let lastProblem = null; // "not saved: ..." until the next answer
  const { notify, subscribe } = createListeners("card");

  function screen() {
    return index < history.length ? history[index] : null;
  }
  function answeredKeys() {
    const keys = new Set();
    for (const { entry, answer } of answerLog) {
      if (answer.status !== "refused") keys.add(entry.item.key);
    }
    return keys;
  }
  function noteOf(entry) {
    const last = entry && entry.answers[entry.answers.length - 1];
    return (last && last.note) || "";
  }
  function show(newIndex) {
    index = newIndex;
    const entry = screen();
    draftNote = noteOf(entry);
    typingSince = null;
    stopwatch.restart();
  }
  /** Move past the item on screen: to the next shown item, else the next queued one. */
  function advance() {
    if (index + 1 < history.length) return show(index + 1);
    index = history.length;
    pullFromQueue();
  }
  function pullFromQueue() {
    if (index < history.length || queue.length === 0) return;
    const item = queue.shift();
    history.push(entryFor(item));
    show(history.length - 1);
  }
  function entryFor(item) {
    const answers = [];
    if (item.saved) {
      const s = item.saved;
      answers.push({ id: null, kind: s.kind, value: s.value, note: s.note || "", status: "saved" });
    }
    return { item, answers };
  }
  const nextSeq = outbox.nextSeq;
  const post = outbox.post;

  function receiveBuffer(msg) {
    const items = Array.isArray(msg.items) ? msg.items.filter((it) => it && "key" in it) : [];
    const gen = Number(msg.generation);
    const mode = msg.mode;
    if (mode === "jump") {
      generation = gen;
      const [first, ...rest] = items;
      queue = rest;
      if (first) {
        // an unanswered item at the end of history was never answered: drop it, the kernel
        // serves it again later
        const last = history[history.length - 1];
        if (last && index >= history.length - 1 && last.answers.length === 0) history.pop();
        history.push(entryFor(first));
        show(history.length - 1);
      }
      return effects([], true, first ? null : WAITING_TEXT);
    }
    if (gen < generation) return effects([], false); // a stale buffer from before a reorder
    const skip = answeredKeys();
    const onScreen = screen();
    if (onScreen) skip.add(onScreen.item.key);
    if (mode === "replace" || gen > generation) {
      generation = gen;
      queue = items.filter((it) => !skip.has(it.key));
    } else {
      for (const it of queue) skip.add(it.key);
      queue.push(...items.filter((it) => !skip.has(it.key)));
    }
    pullFromQueue();
    return effects([], true);
  }

  function findAnswer(id) {
    for (const { entry, answer } of answerLog) if (answer.id === id) return { entry, answer };
    return null;
  }

  function receiveAck(msg) {
    const had = outbox.ack(msg.id);
    const found = findAnswer(msg.id);
    if (found && found.answer.status === "pending") {
      found.answer.status = "saved";
      found.answer.eventId = msg.event_id;
    }
    return effects([], Boolean(had || found));
  }

  function receiveRefuse(msg) {
    const had = outbox.refuse(msg.id);
    const reason = String(msg.reason || "refused by the kernel");
    const found = findAnswer(msg.id);
    if (found) {
      found.answer.status = "refused";
      found.answer.reason = reason;
    }
    lastProblem = `not saved: ${reason}`;
    return effects([], Boolean(had || found), lastProblem);
  }

  /**
   * One human action. action: label (opts.value), accept, skip, unsure, none_fits
   * (opts.value = {proposed, reason}), back, undo. opts.note overrides the draft note.
   */
  function press(action, opts = {}) {
    const t = opts.now ?? now();
    undone = null;
    if (action === "back") return goBack();
    if (action === "undo") return undo();
    const kind = ANSWER_KINDS[action];
    if (!kind) return effects([], false);
    const entry = screen();
    if (!entry) return effects([], false, WAITING_TEXT); // never answer an unseen item
    let value = null;
    if (action === "label") value = opts.value;
    if (action === "accept") {
      if (!entry.item.suggestion) return effects([], false, "no suggestion to accept");
      value = entry.item.suggestion.value;
    }
    if (action === "none_fits") {
      const v = opts.value || {};
      const reason = String(v.reason || "").trim();
      if (!reason) return effects([], false, "say why none of the labels fits");
      value = { proposed: String(v.proposed || "").trim(), reason };
    }
    const note = String(opts.note ?? draftNote ?? "");
    const id = newId();
    const answer = { id, kind, value, note, status: "pending", reason: null };
    entry.answers.push(answer);
    answerLog.push({ entry, answer });
    answerTimes.push(t);
    const seconds = Math.round(stopwatch.read(t) / 10) / 100;
    const typing = kind === "label" && typingSince !== null ? Math.round((t - typingSince) / 10) / 100 : null;
    lastProblem = null;
    advance();
    const next = screen();
    const msg = post({
      type: "answer",
      id,
      seq: nextSeq(),
      key: entry.item.key,
      kind,
      value,
      note: note || null,
      seconds,
      client_time: new Date(t).toISOString(),
      suggestion: entry.item.suggestion || null,
      showing: next ? next.item.key : null,
      ...(typing === null ? {} : { typing_seconds: typing }),
    });
    return effects([msg], true);
  }

  function goBack() {
    const target = Math.min(index, history.length) - 1;
    if (target < 0) return effects([], false, "nothing to go back to");
    show(target);
    return effects([], true);
  }

  let undone = null; // "undid: spam on item 17", until the next action

  function undo() {
    const last = answerLog.pop();
    if (!last) return effects([], false, "nothing to undo");
    const { entry, answer } = last;
    entry.answers.splice(entry.answers.lastIndexOf(answer), 1);
    const send = [];
    if (answer.status !== "refused") {
      // retract whether acknowledged or not: messages arrive in order
      send.push(post({ type: "retract", id: newId(), seq: nextSeq(), key: entry.item.key, retracts: answer.id }));
    }
    // a pending answer stays in the outbox: the kernel stores it first, then the retraction
    show(history.indexOf(entry));
    draftNote = answer.note || "";
    lastProblem = null;
    undone = `undid: ${undoneText(answer)} on item ${entry.item.key}`;
    return effects(send, true);
  }

  function overdueCount(t = now()) {
    return outbox.overdueCount(t, ACK_OVERDUE_MS);
  }

  function statusText(t = now()) {
    const late = overdueCount(t)
      ? `${outbox.size()} pending · not acknowledged after 10 s (is a cell running?)`
      : null;
    const status = outbox.status({ problem: lastProblem, showing: Boolean(screen()), late });
    // The undo stays named until the next action, beside whether its retraction is saved.
    return undone ? `${undone} · ${status}` : status;
  }

  function snapshot(t = now()) {
    const entry = screen();
    return {
      item: entry ? entry.item : null,
      answer: entry ? entry.answers[entry.answers.length - 1] || null : null,
      reviewing: index < history.length - 1,
      note: draftNote,
      ...outbox.snapshot(), // pending, saved, connected, waiting
      status: statusText(t),
      perMinute: itemsPerMinute(answerTimes),
      queued: queue.length,
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
    overdueCount,
    notify,
    current: () => {
      const e = screen();
      return e ? e.item : null;
    },
    currentAnswer: () => {
      const e = screen();
      return e ? e.answers[e.answers.length - 1] || null : null;
    },
    queuedKeys: () => queue.map((it) => it.key),
    historyKeys: () => history.map((e) => e.item.key),
    generation: () => generation,
    note: () => draftNote,
    setNote: (text) => {
      draftNote = String(text ?? "");
    },
    /** A keystroke in the answer box: the first one starts the typing time. */
    typed: (t) => {
      if (typingSince === null && screen()) typingSince = t ?? now();
    },
    setHidden: (hidden, t) => stopwatch.setHidden(Boolean(hidden), t ?? now()),
    seconds: (t) => stopwatch.read(t ?? now()) / 1000,
    subscribe,
  };
}

// ---------------------------------------------------------------------------------------
// anywidget glue: initialize (once per model) and render (once per view)
// ---------------------------------------------------------------------------------------

const { stateFor, initialize } = createGlue({
  name: "card",
  storagePrefix: "nb_label:outbox:",
  create: (model, cardOptions) => createCard(cardOptions),
  ackOverdueMs: ACK_OVERDUE_MS,
  // seconds per item pause while the page is hidden
  setup(model, card) {
    if (typeof document === "undefined" || typeof document.addEventListener !== "function") {
      return null;
    }
    const onVisibility = () => card.setHidden(document.hidden);
    onVisibility();
    document.addEventListener("visibilitychange", onVisibility);
    return () => document.removeEventListener("visibilitychange", onVisibility);
  },
});

// Images narrower than this are enlarged by a whole factor, with crisp (pixelated) pixels.
const IMAGE_MIN_SHOWN_PX = 192;
const IMAGE_ZOOMS = [1, 2, 4, 8];

/** One image block: scaled to fit, small images enlarged crisply, zoom buttons. */
export function imageBlock(doc, block) {
  const src = String(block.src || "");
  if (!src.startsWith("data:image/")) {
    const refused = doc.createElement("div");
    refused.className = "nbl-missing nbl-image-refused";
    refused.textContent = "(image not shown: not a data:image URL)";
    return refused;
  }
  const width = Number(block.width) > 0 ? Number(block.width) : null;
  const natural = [Number(block.natural_width) || width, Number(block.natural_height) || null];
  // A whole factor keeps every source pixel the same size on screen.
  const factor = width && width < IMAGE_MIN_SHOWN_PX ? Math.ceil(IMAGE_MIN_SHOWN_PX / width) : 1;
  const wrap = doc.createElement("div");
  wrap.className = "nbl-image-block";
  const viewport = doc.createElement("div");
  viewport.className = "nbl-image-view";
  const img = doc.createElement("img");
  img.className = "nbl-image";
  img.src = src;
  img.alt = String(block.alt || "");
  img.draggable = false;
  viewport.appendChild(img);
  wrap.appendChild(viewport);
  if (!width) return wrap; // a block from a user's view without sizes: fit to the card only

  const tools = doc.createElement("div");
  tools.className = "nbl-image-tools";
  const zoomText = doc.createElement("span");
  zoomText.className = "nbl-image-zoom";
  const sizeText = doc.createElement("span");
  sizeText.className = "nbl-image-size";
  sizeText.textContent = natural[1] ? `${natural[0]}\u00d7${natural[1]} px` : "";
  let level = 0;
  function apply() {
    const zoom = IMAGE_ZOOMS[level];
    const shown = width * factor * zoom;
    img.style.width = `${shown}px`;
    img.classList.toggle("nbl-image-zoomed", zoom > 1);
    img.classList.toggle("nbl-image-pixelated", shown > width);
    img.dataset.zoom = String(zoom);
    zoomText.textContent = zoom === 1 ? "fit" : `\u00d7${zoom}`;
    zoomOut.disabled = level === 0;
    zoomIn.disabled = level === IMAGE_ZOOMS.length - 1;
  }
  function tool(label, text, step) {
    const button = doc.createElement("button");
    button.type = "button";
    button.className = "nbl-image-zoom-btn";
    button.textContent = text;
    button.setAttribute("aria-label", label);
    button.title = label;
    button.addEventListener("click", () => {
      level = Math.min(IMAGE_ZOOMS.length - 1, Math.max(0, level + step));
      apply();
    });
    // Enter and Space press the button; they must not also answer the item.
    button.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") event.stopPropagation();
    });
    return button;
  }
  const zoomOut = tool("Zoom out", "\u2212", -1);
  const zoomIn = tool("Zoom in", "+", 1);
  tools.append(zoomOut, zoomText, zoomIn, sizeText);
  wrap.appendChild(tools);
  apply();
  return wrap;
}

/** One audio block: a player for a data:audio URL made by nb_label; `p` plays or pauses. */
export function audioBlock(doc, block) {
  const src = String(block.src || "");
  if (!src.startsWith("data:audio/")) {
    const refused = doc.createElement("div");
    refused.className = "nbl-missing nbl-audio-refused";
    refused.textContent = "(audio not played: not a data:audio URL)";
    return refused;
  }
  const wrap = doc.createElement("div");
  wrap.className = "nbl-audio-block";
  const audio = doc.createElement("audio");
  audio.className = "nbl-audio";
  audio.controls = true;
  audio.preload = "auto";
  audio.src = src;
  audio.setAttribute("aria-label", String(block.label || "audio"));
  const hint = doc.createElement("span");
  hint.className = "nbl-audio-hint";
  const length = Number(block.seconds) > 0 ? ` · ${Number(block.seconds).toFixed(1)} s` : "";
  hint.textContent = `p play / pause${length}`;
  wrap.append(audio, hint);
  return wrap;
}

/** Build the DOM for one item's blocks: DOM APIs and textContent only, never HTML. */
export function buildBlocks(doc, blocks) {
  const frag = doc.createDocumentFragment();
  for (const block of Array.isArray(blocks) ? blocks : []) {
    if (!block || typeof block !== "object") continue;
    if (block.kind === "text") {
      const p = doc.createElement("div");
      p.className = "nbl-text";
      p.dir = "auto";
      p.textContent = String(block.text ?? "");
      frag.appendChild(p);
    } else if (block.kind === "table") {
      const wrap = doc.createElement("div");
      wrap.className = "nbl-table-wrap";
      const table = doc.createElement("table");
      table.className = "nbl-table";
      const columns = Array.isArray(block.columns) ? block.columns : [];
      const values = Array.isArray(block.values) ? block.values : [];
      const tbody = doc.createElement("tbody");
      columns.forEach((col, i) => {
        const tr = doc.createElement("tr");
        const th = doc.createElement("th");
        th.scope = "row";
        th.textContent = String(col);
        const td = doc.createElement("td");
        td.dir = "auto";
        td.textContent = values[i] === null || values[i] === undefined ? "" : String(values[i]);
        tr.append(th, td);
        tbody.appendChild(tr);
      });
      table.appendChild(tbody);
      wrap.appendChild(table);
      if (block.beside && frag.lastChild) {
        // a text with a small table beside it (side by side when the cell is wide enough)
        const split = doc.createElement("div");
        split.className = "nbl-split";
        split.append(frag.lastChild, wrap);
        frag.appendChild(split);
      } else {
        frag.appendChild(wrap);
      }
    } else if (block.kind === "image") {
      frag.appendChild(imageBlock(doc, block));
    } else if (block.kind === "audio") {
      frag.appendChild(audioBlock(doc, block));
    } else if (block.kind === "missing") {
      const span = doc.createElement("div");
      span.className = "nbl-missing";
      span.textContent = block.text ? String(block.text) : "(missing)";
      frag.appendChild(span);
    }
  }
  return frag;
}

const ACTIONS = [
  ["skip", "Skip", "s"],
  ["back", "Back", "b"],
  ["undo", "Undo", "z"],
  ["unsure", "Unsure", "u"],
  ["none_fits", "None fits", "x"],
];

function render({ model, el: host }) {
  const state = stateFor(model);
  const { card, apply } = state;

  const root = widgetRoot("nbl-card", "nb_label item card");

  const header = el("div", "nbl-header");
  const progress = el("span", "nbl-progress");
  const message = el("span", "nbl-message");
  header.append(progress, message);

  const item = el("div", "nbl-item");
  item.tabIndex = -1;
  const answerLine = el("div", "nbl-answer");
  const suggestion = el("div", "nbl-suggestion");

  const labelRow = el("div", "nbl-labels");
  const actionRow = el("div", "nbl-actions");
  for (const [action, name, key] of ACTIONS) {
    const b = el("button", "nbl-action-btn");
    b.type = "button";
    b.dataset.action = action;
    b.append(el("span", "nbl-btn-name", name), el("kbd", "nbl-kbd", key));
    b.setAttribute("aria-label", name);
    b.title = `${name} (${key})`;
    actionRow.appendChild(b);
  }

  const form = el("div", "nbl-nonefits");
  form.hidden = true;
  const proposedLabel = el("label", "nbl-form-label", "What is it instead? ");
  const proposed = el("input", "nbl-proposed");
  proposed.type = "text";
  proposedLabel.appendChild(proposed);
  const reasonLabel = el("label", "nbl-form-label", "Why? ");
  const reason = el("input", "nbl-reason");
  reason.type = "text";
  reasonLabel.appendChild(reason);
  const formHint = el("span", "nbl-form-hint", "Enter to send · Escape to cancel");
  form.append(proposedLabel, reasonLabel, formHint);

  // The number or caption box (hidden for label kinds), with its send button.
  const answerRow = el("div", "nbl-answer-row");
  answerRow.hidden = true;
  const numberBox = el("input", "nbl-answer-box nbl-number");
  numberBox.type = "text";
  numberBox.inputMode = "decimal";
  numberBox.setAttribute("aria-label", "Number (Enter saves, arrow keys nudge)");
  const captionBox = el("textarea", "nbl-answer-box nbl-caption");
  captionBox.rows = 3;
  captionBox.setAttribute("aria-label", "Caption (Enter saves, Shift+Enter new line)");
  const sendButton = el("button", "nbl-send-btn");
  sendButton.type = "button";
  sendButton.dataset.action = "submit_answer";
  sendButton.append(el("span", "nbl-btn-name", "Save"), el("kbd", "nbl-kbd", "Enter"));
  sendButton.setAttribute("aria-label", "Save the answer");
  answerRow.append(numberBox, captionBox, sendButton);
  let toggled = new Set(); // multi-label: the labels toggled on for the item on screen

  const note = el("textarea", "nbl-note");
  note.placeholder = "Note (n)";
  note.rows = 1;
  note.setAttribute("aria-label", "Note");

  const status = el("div", "nbl-status");
  status.setAttribute("aria-live", "polite");
  status.setAttribute("role", "status");
  const keys = el("div", "nbl-keys");

  root.append(
    header, item, answerLine, suggestion, labelRow, answerRow, actionRow, form, note, status, keys,
  );
  host.appendChild(root);

  let shownEntryKey = null;
  let shownItem = null;
  let labelsShown = null;
  let announcement = null;
  let acceptHint = null; // the "Enter accept" key hint, shown only with a suggestion
  let itemScrolled = false; // the reader scrolled the shown item (long texts)

  function labels() {
    const l = model.get("labels");
    return Array.isArray(l) ? l : [];
  }
  function answer() {
    return answerKind(model.get("options"));
  }
  function box() {
    const kind = answer().kind;
    return kind === "number" ? numberBox : kind === "caption" ? captionBox : null;
  }

  /** A new item on screen: the answer controls start from its saved answer or suggestion. */
  function resetAnswer(snap) {
    const kind = answer().kind;
    const saved = snap.answer && snap.answer.kind === "label" ? snap.answer.value : null;
    if (kind === "multi") {
      const start = saved ?? (snap.item && snap.item.suggestion ? snap.item.suggestion.value : []);
      toggled = new Set(Array.isArray(start) ? start : []);
    }
    const target = box();
    if (target) {
      target.value = saved === null || saved === undefined ? "" : String(saved);
      target.removeAttribute("aria-invalid");
      const focused = typeof document !== "undefined" && root.contains(document.activeElement);
      if (focused && snap.item) target.focus();
    }
  }

  function showToggles() {
    const multi = answer().kind === "multi";
    labels().forEach((label, i) => {
      const b = labelRow.children[i];
      if (!b) return;
      if (multi) b.setAttribute("aria-pressed", String(toggled.has(label.value)));
      else b.removeAttribute("aria-pressed");
    });
  }

  function submitAnswer() {
    const kind = answer().kind;
    const target = box();
    const draft = kind === "multi" ? [...toggled] : target ? target.value : null;
    const checked = checkAnswer(answer(), draft, labels());
    if (!checked.ok) {
      if (target) {
        target.setAttribute("aria-invalid", "true");
        target.focus();
      }
      announcement = checked.reason; // shown on the card; nothing is sent
      return update();
    }
    card.setNote(note.value);
    return apply(card.press("label", { value: checked.value }));
  }

  function playPause() {
    const audio = item.querySelector("audio");
    if (!audio) {
      announcement = "no audio on this item";
      return update();
    }
    if (audio.paused) {
      const played = audio.play();
      if (played && typeof played.catch === "function") {
        played.catch((err) => {
          announcement = `audio could not be played: ${err && err.message ? err.message : err}`;
          update();
        });
      }
    } else {
      audio.pause();
    }
    return undefined;
  }

  function buildLabels() {
    const list = labels();
    if (list === labelsShown) return;
    labelsShown = list;
    const kind = answer().kind;
    labelRow.classList.toggle("nbl-rating", kind === "rating");
    labelRow.classList.toggle("nbl-multi", kind === "multi");
    labelRow.hidden = list.length === 0;
    answerRow.hidden = !(kind === "number" || kind === "caption" || kind === "multi");
    numberBox.hidden = kind !== "number";
    captionBox.hidden = kind !== "caption";
    sendButton.querySelector(".nbl-btn-name").textContent = kind === "multi" ? "Send labels" : "Save";
    labelRow.replaceChildren();
    list.forEach((label, i) => {
      const b = el("button", "nbl-label-btn");
      b.type = "button";
      b.dataset.valueIndex = String(i);
      const name = label.display ?? String(label.value);
      b.append(el("span", "nbl-btn-name", name));
      if (label.key) b.append(el("kbd", "nbl-kbd", label.key));
      b.setAttribute("aria-label", name);
      if (label.definition) b.title = String(label.definition);
      const color = safeColor(label.color);
      if (color) b.style.setProperty("--nbl-label-color", color);
      labelRow.appendChild(b);
    });
    buildKeys();
  }

  function buildKeys() {
    keys.replaceChildren();
    acceptHint = null;
    const add = (k, what) => {
      const span = el("span", "nbl-key");
      span.dataset.key = k;
      span.append(el("kbd", "nbl-kbd", k), document.createTextNode(` ${what}`));
      keys.appendChild(span);
      return span;
    };
    const kind = answer().kind;
    for (const label of labels()) {
      if (label.key) add(label.key, `${kind === "multi" ? "toggle " : ""}${label.display ?? label.value}`);
    }
    const keymap = { ...(model.get("keymap") || {}) };
    const reserved = Object.keys(keymap).length ? keymap : RESERVED;
    const enter = {
      multi: "send the toggled labels",
      number: "type a number, then Enter saves (Escape leaves the box)",
      caption: "type, then Enter saves (Shift+Enter new line, Escape leaves the box)",
    }[kind];
    if (enter) reserved.Enter = enter;
    if (kind === "number") add("\u2191 \u2193", "nudge (Shift: \u00d710)");
    for (const [k, what] of Object.entries(reserved)) {
      const span = add(k, keymap[k] ? what : what.replace("_", " "));
      // "Enter accept" only while a suggestion is there to accept (see update()).
      if (k === "Enter" && !enter) acceptHint = span;
    }
  }

  function describeAnswer(answer) {
    if (!answer) return "";
    let what = answer.kind;
    if (answer.kind === "label") {
      what = formatValue(answer.value, labels());
    } else if (answer.kind === "none_fits" && answer.value) {
      what = `none fits (${answer.value.proposed || "?"}: ${answer.value.reason || ""})`;
    } else if (answer.kind === "flag") {
      what = "unsure";
    }
    const st = answer.status === "refused" ? `not saved: ${answer.reason}` : answer.status;
    return `Your answer: ${what} (${st})`;
  }

  function update() {
    const snap = card.snapshot();
    buildLabels();
    progress.textContent = formatProgress(model.get("progress"), {
      pending: snap.pending,
      perMinute: snap.perMinute,
    });
    message.textContent = model.get("message") || "";
    if (snap.item !== shownItem || !snap.item) {
      shownItem = snap.item;
      item.replaceChildren();
      if (snap.item) {
        item.dataset.key = snap.item.key;
        item.appendChild(buildBlocks(document, snap.item.blocks));
        // Writing scrollTop forces a layout of the whole page (~1 ms in marimo, more in a big
        // notebook) before the item can show: only when the reader scrolled the last one.
        if (itemScrolled) {
          item.scrollTop = 0;
          itemScrolled = false;
        }
      } else {
        delete item.dataset.key;
        item.appendChild(el("div", "nbl-waiting", WAITING_TEXT));
      }
      if (shownEntryKey !== (snap.item && snap.item.key)) {
        closeForm(false);
        shownEntryKey = snap.item ? snap.item.key : null;
        resetAnswer(snap);
      }
      shownEntryKey = snap.item ? snap.item.key : null;
    }
    showToggles();
    answerLine.textContent = describeAnswer(snap.answer);
    answerLine.hidden = !snap.answer;
    const s = snap.item ? formatSuggestion(snap.item.suggestion) : "";
    suggestion.textContent = s;
    suggestion.hidden = !s;
    if (acceptHint) acceptHint.hidden = !s;
    if (document.activeElement !== note && note.value !== snap.note) note.value = snap.note;
    status.textContent = announcement || snap.status;
    root.dataset.pending = String(snap.pending);
    root.dataset.saved = String(snap.saved);
    root.dataset.connected = String(snap.connected);
    root.dataset.waiting = String(!snap.item);
    root.classList.toggle("nbl-disconnected", !snap.connected);
  }

  function openForm() {
    if (!card.current()) return apply({ send: [], changed: false, announce: WAITING_TEXT });
    form.hidden = false;
    proposed.value = "";
    reason.value = "";
    proposed.focus();
  }
  function closeForm(refocus = true) {
    if (form.hidden) return;
    form.hidden = true;
    if (refocus) root.focus();
  }

  function dispatch(act) {
    announcement = null;
    switch (act.action) {
      case "label":
      case "accept":
      case "skip":
      case "unsure":
      case "back":
      case "undo":
        card.setNote(note.value);
        return apply(card.press(act.action, { value: act.value }));
      case "none_fits":
        return openForm();
      case "submit_form": {
        card.setNote(note.value);
        const fx = card.press("none_fits", { value: { proposed: proposed.value, reason: reason.value } });
        if (fx.send.length) closeForm();
        else (reason.value.trim() ? proposed : reason).focus();
        return apply(fx);
      }
      case "cancel_form":
        return closeForm();
      case "focus_note":
        return note.focus();
      case "leave_note":
        card.setNote(note.value);
        return root.focus();
      case "focus_card":
        return root.focus();
      case "toggle":
        if (!card.current()) return apply({ send: [], changed: false, announce: WAITING_TEXT });
        if (toggled.has(act.value)) toggled.delete(act.value);
        else toggled.add(act.value);
        return update();
      case "submit_answer":
        if (!card.current()) return apply({ send: [], changed: false, announce: WAITING_TEXT });
        return submitAnswer();
      case "nudge":
        numberBox.value = nudgeNumber(answer(), numberBox.value, act.steps);
        numberBox.removeAttribute("aria-invalid");
        return undefined;
      case "type_answer":
        numberBox.focus();
        numberBox.value += act.text;
        return undefined;
      case "focus_answer":
        return box() ? box().focus() : undefined;
      case "play":
        return playPause();
      default:
        return undefined;
    }
  }

  function placeOf(target) {
    if (target === note) return "note";
    if (target === proposed || target === reason) return "form";
    if (target === numberBox || target === captionBox) return "answer_box";
    if (target && target.tagName === "BUTTON") return "button";
    return "card";
  }

  function onKeyDown(event) {
    const act = keyAction(event, labels(), { place: placeOf(event.target), answer: answer().kind });
    if (!act) return;
    event.stopPropagation(); // never let a handled key reach JupyterLab
    if (act.action === "typing") return;
    event.preventDefault();
    dispatch(act);
  }

  function onClick(event) {
    const button = event.target.closest && event.target.closest("button");
    if (!button || !root.contains(button)) return;
    if (button.classList.contains("nbl-label-btn")) {
      const label = labels()[Number(button.dataset.valueIndex)];
      const action = answer().kind === "multi" ? "toggle" : "label";
      if (label) dispatch({ action, value: label.value });
    } else if (button.dataset.action) {
      dispatch({ action: button.dataset.action });
    }
    if (form.hidden) root.focus();
  }

  const onInput = () => card.setNote(note.value);
  const onTyping = () => {
    card.typed(); // the first keystroke starts the caption's typing time
    captionBox.removeAttribute("aria-invalid");
  };
  const onScroll = () => {
    itemScrolled = item.scrollTop > 0; // layout is fresh during a scroll: no forced reflow
  };
  root.addEventListener("keydown", onKeyDown);
  root.addEventListener("click", onClick);
  note.addEventListener("input", onInput);
  captionBox.addEventListener("input", onTyping);
  item.addEventListener("scroll", onScroll, { passive: true });

  const detach = state.attach((text) => {
    announcement = text || null;
  }, update);

  return () => {
    detach();
    root.removeEventListener("keydown", onKeyDown);
    root.removeEventListener("click", onClick);
    note.removeEventListener("input", onInput);
    captionBox.removeEventListener("input", onTyping);
    item.removeEventListener("scroll", onScroll);
    root.remove();
  };
}

// Only the default export: anywidget treats a module with a named `render` as legacy.
export default { initialize, render };
