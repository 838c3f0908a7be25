// The card's state machine: buffer, history, outbox. Pure: no DOM, so `node --test` drives it.

import { undoneText } from "./answers.js";
import { createStopwatch, itemsPerMinute } from "./timing.js";
import { createAnswerLog } from "../shared/answer_log.js";
import { createItemBuffer } from "../shared/item_buffer.js";
import { createOutbox } from "../shared/outbox.js";
import { WAITING_TEXT, createListeners, defaultNewId, effects } from "../shared/state_kit.js";
import { sharedMethods } from "../shared/widget_state.js";

export const ACK_OVERDUE_MS = 10_000;

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

  const outbox = createOutbox(now); // unacknowledged messages; connected; waiting
  const answerLog = createAnswerLog({ outbox, newId }); // this card's own answers, for undo
  const answerTimes = [];
  let draftNote = "";
  let typingSince = null; // first keystroke in the answer box (caption) for the item on screen
  const { notify, subscribe } = createListeners("card");
  // entry = {item, answers: [answer...]}; the shown answer is the last one.
  // answer = {id, kind, value, note, status: pending|saved|refused, reason}
  const items = createItemBuffer({ entryFor, onShow, heldKeys: answerLog.answeredKeys });
  const screen = items.screen;

  function noteOf(entry) {
    const last = entry && entry.answers[entry.answers.length - 1];
    return (last && last.note) || "";
  }
  function onShow(entry) {
    draftNote = noteOf(entry);
    typingSince = null;
    stopwatch.restart();
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
    answerLog.record(entry, answer);
    answerTimes.push(t);
    const seconds = Math.round(stopwatch.read(t) / 10) / 100;
    const typing = kind === "label" && typingSince !== null ? Math.round((t - typingSince) / 10) / 100 : null;
    items.advance();
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
    return items.back() ? effects([], true) : effects([], false, "nothing to go back to");
  }

  let undone = null; // "undid: spam on item 17", until the next action

  function undo() {
    const taken = answerLog.takeBack(); // retracted whether acknowledged or not
    if (!taken) return effects([], false, "nothing to undo");
    const { entry, answer } = taken.logged;
    items.showEntry(entry);
    draftNote = answer.note || "";
    undone = `undid: ${undoneText(answer)} on item ${entry.item.key}`;
    return effects(taken.send, true);
  }

  function overdueCount(t = now()) {
    return outbox.overdueCount(t, ACK_OVERDUE_MS);
  }

  function statusText(t = now()) {
    const late = overdueCount(t)
      ? `${outbox.size()} pending · not acknowledged after 10 s (is a cell running?)`
      : null;
    const status = outbox.status({ problem: answerLog.problem(), showing: Boolean(screen()), late });
    // The undo stays named until the next action, beside whether its retraction is saved.
    return undone ? `${undone} · ${status}` : status;
  }

  function snapshot(t = now()) {
    const entry = screen();
    return {
      item: entry ? entry.item : null,
      answer: entry ? entry.answers[entry.answers.length - 1] || null : null,
      reviewing: items.reviewing(),
      note: draftNote,
      ...outbox.snapshot(), // pending, saved, connected, waiting
      status: statusText(t),
      perMinute: itemsPerMinute(answerTimes),
      queued: items.ahead(),
    };
  }

  return {
    ...sharedMethods({ outbox, items, answerLog }),
    press,
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
    generation: items.generation,
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
