// A widget's own answers, newest last: what an `ack` or `refuse` names, and what undo takes
// back. Pure: no DOM.

import { effects } from "./state_kit.js";

/**
 * Create a widget's answer log.
 *
 * @param {object} spec
 * @param {object} spec.outbox - the widget's outbox (shared/outbox.js).
 * @param {() => string} spec.newId - client event id factory, for retractions.
 * @param {(logged) => void} [spec.onRefused] - called with a refused answer's log entry.
 * @returns {object} record, takeBack, answeredKeys, receiveAck, receiveRefuse, problem.
 */
export function createAnswerLog({ outbox, newId, onRefused = () => {} }) {
  const log = []; // {entry, answer, ...what the widget keeps to undo it}
  let problem = null; // "not saved: ..." until the next answer

  function find(id) {
    for (const logged of log) if (logged.answer.id === id) return logged;
    return null;
  }

  /** A new answer to the entry's item: shown as its answer, and the first undo takes it. */
  function record(entry, answer, kept = {}) {
    entry.answers.push(answer);
    log.push({ entry, answer, ...kept });
    problem = null;
  }

  /**
   * Take back the last answer: off its entry, and a `retract` to send unless the kernel
   * refused it. A pending answer stays in the outbox: messages arrive in order, so the kernel
   * stores it first, then the retraction. Returns `{logged, send}`, or null when none is left.
   */
  function takeBack() {
    const logged = log.pop();
    if (!logged) return null;
    const { entry, answer } = logged;
    entry.answers.splice(entry.answers.lastIndexOf(answer), 1);
    const send = [];
    if (answer.status !== "refused") {
      const id = newId();
      const seq = outbox.nextSeq();
      send.push(outbox.post({ type: "retract", id, seq, key: entry.item.key, retracts: answer.id }));
    }
    problem = null;
    return { logged, send };
  }

  /** The keys of items answered here and not refused. */
  function answeredKeys() {
    const keys = new Set();
    for (const { entry, answer } of log) if (answer.status !== "refused") keys.add(entry.item.key);
    return keys;
  }

  function receiveAck(msg) {
    const had = outbox.ack(msg.id);
    const found = find(msg.id);
    if (found && found.answer.status === "pending") {
      found.answer.status = "saved";
      found.answer.eventId = msg.event_id;
    }
    return effects([], Boolean(had || found));
  }

  function receiveRefuse(msg) {
    const had = outbox.refuse(msg.id);
    const reason = String(msg.reason || "refused by the kernel");
    const found = find(msg.id);
    if (found) {
      found.answer.status = "refused";
      found.answer.reason = reason;
      onRefused(found);
    }
    problem = `not saved: ${reason}`;
    return effects([], Boolean(had || found), problem);
  }

  return { record, takeBack, answeredKeys, receiveAck, receiveRefuse, problem: () => problem };
}
