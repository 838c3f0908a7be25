// The card's state machine: buffer, history, outbox. Pure: no DOM, so `node --test` drives it.

import { undoneText } from "./answers.js";
import { createStopwatch, itemsPerMinute } from "./timing.js";
import { createOutbox, outboxMethods } from "../shared/outbox.js";
import { WAITING_TEXT, createListeners, defaultNewId, effects, receiver } from "../shared/state_kit.js";

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
