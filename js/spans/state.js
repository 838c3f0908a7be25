// The spans widget's state: buffer, history of texts, their spans, outbox. Pure: no DOM.

import { createAnswerLog } from "../shared/answer_log.js";
import { createItemBuffer } from "../shared/item_buffer.js";
import { createOutbox } from "../shared/outbox.js";
import { WAITING_TEXT, createListeners, defaultNewId, effects } from "../shared/state_kit.js";
import { sharedMethods } from "../shared/widget_state.js";
import { isRtl, snapToWords, spansFromWire, spansToWire, wordSegments } from "./offsets.js";
import { overlapping, sortSpans } from "./segments.js";

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
  const outbox = createOutbox(now); // unacknowledged messages; connected; waiting
  // this widget's own answers, each kept with the spans it replaced (undo, refusals)
  const answerLog = createAnswerLog({ outbox, newId, onRefused: restoreSpans });
  let shownAt = now();
  const { notify, subscribe } = createListeners("spans");
  // entry = {item, spans, suggestions, answers, note, sel, anchor, focus}
  const items = createItemBuffer({ entryFor, onShow: () => (shownAt = now()), heldKeys: answeredKeys });
  const screen = items.screen;

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
  function liveAnswers(entry) {
    return entry.answers.filter((a) => a.status !== "refused");
  }
  /** The note of the text's latest stored (or pending) answer: "" when none. */
  function sentNote(entry) {
    const live = liveAnswers(entry);
    return live.length ? live[live.length - 1].note || "" : "";
  }
  /** A refused answer's spans leave the screen: it must not show what the store lacks. */
  function restoreSpans({ entry, answer, before }) {
    if (entry.spans !== answer.spans) return;
    entry.spans = before.spans;
    entry.suggestions = before.suggestions;
  }
  function answeredKeys() {
    return new Set(items.entries.filter((e) => liveAnswers(e).length).map((e) => e.item.key));
  }
  const post = outbox.post;

  /** Send the entry's spans as one answer; `next` moves on to the next text. */
  function saveSpans(entry, spans, suggestions, { next = false, t = now() } = {}) {
    const before = { spans: entry.spans, suggestions: entry.suggestions };
    const note = entry.note.trim() ? entry.note : "";
    const answer = { id: newId(), kind: "label", status: "pending", spans, note };
    entry.spans = spans;
    entry.suggestions = suggestions;
    answerLog.record(entry, answer, { before });
    const seconds = Math.round((t - shownAt) / 10) / 100;
    if (next) items.advance();
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
      ahead: items.ahead(), // texts held ahead: the kernel tops the buffer up to its target
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
    items.advance();
    return effects([], true);
  }

  /** Leave the text with a skip or a flag ("unsure"); the note goes with it. */
  function leave(entry, kind, t) {
    const note = entry.note.trim() ? entry.note : "";
    const answer = { id: newId(), kind, status: "pending", spans: entry.spans, note };
    answerLog.record(entry, answer, { before: { spans: entry.spans, suggestions: entry.suggestions } });
    items.advance();
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
        ahead: items.ahead(),
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
    const taken = answerLog.takeBack();
    if (!taken) return effects([], false, "nothing to undo");
    const { entry, before } = taken.logged;
    entry.spans = before.spans;
    entry.suggestions = before.suggestions;
    items.showEntry(entry);
    return effects(taken.send, true);
  }

  /** One human action; see spanKeyAction for the names. */
  function press(action, opts = {}) {
    const t = opts.now ?? now();
    if (action === "undo") return undo();
    if (action === "back") {
      if (!items.back()) return effects([], false, "nothing to go back to");
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
    return outbox.status({ problem: answerLog.problem(), showing: Boolean(screen()) });
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
    ...sharedMethods({ outbox, items, answerLog }),
    press,
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
    notify,
    subscribe,
  };
}
