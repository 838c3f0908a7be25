// The outbox: the answers on their way to the store, and the state of that way.

import { WAITING_TEXT, effects } from "./state_kit.js";

/**
 * The messages the kernel has not acknowledged (by client id, numbered by `seq`), whether the
 * comm is open, and why the store is away after a `wait`. Answers stay here until their `ack`
 * or `refuse`; `hello` and `resend` send them all again, oldest first.
 *
 * @param {() => number} now - clock in ms.
 */
export function createOutbox(now) {
  const pending = new Map(); // client id -> {msg, sentAt}
  let seq = 0;
  let saved = 0; // answers acknowledged
  let connected = true;
  let waiting = null; // why the store cannot take answers now (they stay in the outbox)
  // True where the page keeps no localStorage (blocked, sandboxed frame, full): unsaved
  // answers then live in this page only, and a reload would lose them. The status says so.
  let pageOnly = false;

  const inOrder = () => [...pending.values()].map((o) => o.msg).sort((a, b) => a.seq - b.seq);
  function sendAll() {
    const t = now();
    for (const o of pending.values()) o.sentAt = t;
    return inOrder();
  }

  return {
    nextSeq() {
      seq += 1;
      return seq;
    },
    post(msg) {
      pending.set(msg.id, { msg, sentAt: now() });
      return msg;
    },
    /** An `ack`: the message leaves, the store is back. Returns what was pending, if any. */
    ack(id) {
      const had = pending.get(id);
      pending.delete(id);
      waiting = null; // the store took something: it is back
      if (had && had.msg.type === "answer") saved += 1;
      return had;
    },
    /** A `refuse`: the message leaves unsaved. Returns what was pending, if any. */
    refuse(id) {
      const had = pending.get(id);
      pending.delete(id);
      return had;
    },
    /** A `wait`: the store is away; the answer stays pending and is sent again later. */
    wait(msg) {
      if (!pending.has(msg.id)) return effects([], false);
      waiting = String(msg.reason || "the store cannot be reached");
      const fx = effects([], true);
      fx.retryIn = Math.max(0.01, Number(msg.retry_in) || 3);
      return fx;
    },
    /** Send every unacknowledged message again, oldest first (the kernel stores each once). */
    resend() {
      return effects(sendAll(), true);
    },
    /**
     * Messages to send on (re)connect: unacknowledged ones in order, then hello (the kernel
     * answers with a jump buffer from the item to show).
     */
    hello() {
      const again = sendAll();
      connected = true;
      return effects([...again, { type: "hello" }], true);
    },
    /** Put answers saved in localStorage by an earlier page back in the outbox. */
    restore(messages) {
      if (!Array.isArray(messages)) return 0;
      let n = 0;
      for (const msg of messages) {
        if (!msg || typeof msg.id !== "string" || pending.has(msg.id)) continue;
        if (msg.type !== "answer" && msg.type !== "retract") continue;
        pending.set(msg.id, { msg, sentAt: now() });
        seq = Math.max(seq, Number(msg.seq) || 0);
        n += 1;
      }
      return n;
    },
    /** The page cannot keep the outbox in localStorage: say so while answers are unsaved. */
    keepInPageOnly() {
      pageOnly = true;
    },
    setConnected(isConnected) {
      if (connected === isConnected) return effects([], false);
      connected = isConnected;
      return effects([], true);
    },
    /** How many messages have waited `ms` or longer for their acknowledgement. */
    overdueCount(t, ms) {
      let n = 0;
      for (const o of pending.values()) if (t - o.sentAt >= ms) n += 1;
      return n;
    },
    /**
     * The status line, most urgent first: the comm or the store away, the widget's last
     * problem, nothing on screen, `late` (the widget's line for overdue acks), the counts.
     */
    status({ problem = null, showing = true, late = null } = {}) {
      const n = pending.size;
      const answers = `${n} answer${n === 1 ? "" : "s"}`;
      const held = pageOnly ? " (held in this page only: keep it open until they are saved)" : "";
      if (!connected) return `kernel disconnected: ${answers} not saved${n ? held : ""}`;
      if (waiting && n) return `store unreachable: ${answers} kept here, retrying (${waiting})${held}`;
      if (problem) return problem;
      if (!showing) return WAITING_TEXT;
      if (late) return late;
      if (n) return `${n} pending`;
      if (saved) return "saved";
      return "";
    },
    /** The outbox's part of a state's snapshot. */
    snapshot: () => ({ pending: pending.size, saved, connected, waiting }),
    messages: inOrder,
    size: () => pending.size,
  };
}
