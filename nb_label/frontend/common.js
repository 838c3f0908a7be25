// nb_label front ends: what the item card (card.js) and the spans widget (spans.js) share.
//
// The widgets import names from it with one relative import line. anywidget loads one module
// from a blob URL, where relative imports do not resolve, so nb_label/_esm.py puts this file's
// text in place of that line (and drops its `export` keywords) before it reaches the browser.
// Keep it so: plain `export function` / `export const` declarations, no imports, no default
// export, nothing named `render`, nothing that touches document/window/localStorage at import.

export const WAITING_TEXT = "waiting for the kernel (a cell may be running)";

/** A fresh client event id: a UUID where the platform gives one, random hex otherwise. */
export function defaultNewId() {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === "function") return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (c && typeof c.getRandomValues === "function") c.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** What a state method returns: messages to send, whether to re-render, a line to announce. */
export function effects(send = [], changed = true, announce = null) {
  return { send, changed, announce };
}

/**
 * A state's `receive`: one handler per message `type` (buffer, ack, refuse, wait); a message
 * of another type, or not a message, changes nothing.
 */
export function receiver(handlers) {
  return (msg) => {
    if (!msg || typeof msg !== "object" || !Object.hasOwn(handlers, msg.type)) {
      return effects([], false);
    }
    return handlers[msg.type](msg);
  };
}

/** The views' update functions: `name` says whose view failed in the console. */
export function createListeners(name) {
  const listeners = new Set();
  return {
    notify() {
      for (const fn of [...listeners]) {
        try {
          fn();
        } catch (err) {
          console.error(`nb_label ${name}: a view failed to update`, err);
        }
      }
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}

// ---------------------------------------------------------------------------------------
// The outbox: messages on their way to the store, and the state of that way
// ---------------------------------------------------------------------------------------

/**
 * The messages the kernel has not acknowledged (by client id, numbered by `seq`), whether the
 * comm is open, and why the store is away after a `wait`. Answers stay here until their `ack`
 * or `refuse`; `hello` and `resend` send them all again, oldest first.
 *
 * @param {() => number} now - clock in ms.
 */
// The same forms as nb_label/schema.py's is_css_colour: hex, rgb()/hsl() of numbers, a name.
const HEX_COLOR = /^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;
const FUNCTION_COLOR = /^(?:rgba?|hsla?)\(\s*(?:[-+]?[0-9.]+(?:%|deg|turn|rad|grad)?[\s,/]*){3,4}\)$/i;
const NAMED_COLOR = /^[a-z]{3,20}$/i;

/**
 * `value` if it is a CSS colour, else null. The kernel checks label colours too; this keeps a
 * `url(...)` (which the card's CSS would fetch) or a `var(...)` off the page whatever sent it.
 */
export function safeColor(value) {
  if (typeof value !== "string") return null;
  const text = value.trim();
  if (!(HEX_COLOR.test(text) || FUNCTION_COLOR.test(text) || NAMED_COLOR.test(text))) return null;
  const css = globalThis.CSS;
  if (css && typeof css.supports === "function" && !css.supports("color", text)) return null;
  return text;
}

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

/** The outbox's part of a state's public methods (spread into its return value). */
export function outboxMethods(outbox) {
  return {
    resend: outbox.resend,
    restoreOutbox: outbox.restore,
    setConnected: outbox.setConnected,
    pendingCount: outbox.size,
    savedCount: () => outbox.snapshot().saved,
    outboxMessages: outbox.messages,
    keepInPageOnly: outbox.keepInPageOnly,
  };
}

// ---------------------------------------------------------------------------------------
// anywidget glue: initialize (once per model) and the state each render (once per view) uses
// ---------------------------------------------------------------------------------------

// anywidget hands initialize and each render a different proxy of one model, so the proxy
// cannot key the shared state. The model's `layout` stays the same: in Jupyter a widget model
// object (deserialized once per widget), in marimo its id as a string ("IPY_MODEL_<id>").
// Fall back to the proxy if it is missing.
function modelIdentity(model) {
  let layout = null;
  try {
    layout = model.get("layout");
  } catch (err) {
    layout = null;
  }
  if (typeof layout === "string" && layout) return layout;
  return layout && typeof layout === "object" ? layout : model;
}

/** A map keyed by object (weakly, as Jupyter's layouts are) or by string (marimo's ids). */
function identityMap() {
  const byObject = new WeakMap();
  const byName = new Map();
  const pick = (id) => (typeof id === "string" ? byName : byObject);
  return {
    get: (id) => pick(id).get(id),
    set: (id, value) => pick(id).set(id, value),
    delete: (id) => pick(id).delete(id),
  };
}

/**
 * The glue between anywidget's model and a widget's state (`createCard` / `createSpanCard`).
 *
 * @param {object} spec
 * @param {string} spec.name - the widget's name in console messages ("card", "spans").
 * @param {string} spec.storagePrefix - localStorage key of the outbox, before the store key.
 * @param {(model, cardOptions) => object} spec.create - makes the widget's state.
 * @param {(model, card) => (() => void) | null} [spec.setup] - widget-specific wiring, once
 *   per initialize; returns its cleanup.
 * @param {number} [spec.ackOverdueMs] - re-render when an answer waits this long for its ack.
 * @returns {{stateFor, initialize}} stateFor(model): the shared state of one model (for
 *   render); initialize: anywidget's hook, returns the cleanup.
 */
export function createGlue({ name, storagePrefix, create, setup = null, ackOverdueMs = 0 }) {
  const states = identityMap();

  function storageKey(model) {
    return `${storagePrefix}${model.get("store_key") || ""}`;
  }

  function readStored(model, card) {
    let text = null;
    try {
      if (!globalThis.localStorage) throw new Error("no localStorage");
      text = globalThis.localStorage.getItem(storageKey(model));
    } catch (err) {
      card.keepInPageOnly(); // storage blocked (private mode, sandbox): the memory outbox works
      return [];
    }
    try {
      const parsed = text ? JSON.parse(text) : [];
      return Array.isArray(parsed) ? parsed : [];
    } catch (err) {
      return []; // corrupt: nothing to resend
    }
  }

  function writeStored(model, card) {
    try {
      const ls = globalThis.localStorage;
      if (!ls) throw new Error("no localStorage");
      const messages = card.outboxMessages();
      if (messages.length) ls.setItem(storageKey(model), JSON.stringify(messages));
      else ls.removeItem(storageKey(model));
    } catch (err) {
      card.keepInPageOnly(); // quota or blocked storage: the outbox stays in memory
    }
  }

  /** The shared state of one model: created once, whichever of initialize/render comes first. */
  function stateFor(model, cardOptions) {
    const id = modelIdentity(model);
    const existing = states.get(id);
    if (existing) return existing;
    const card = create(model, cardOptions);
    const views = new Set();
    let overdueTimer = null;
    let retryTimer = null;

    function scheduleOverdueCheck() {
      if (!ackOverdueMs || overdueTimer !== null || card.pendingCount() === 0) return;
      overdueTimer = setTimeout(() => {
        overdueTimer = null;
        card.notify();
        scheduleOverdueCheck();
      }, ackOverdueMs + 50);
    }

    function apply(fx) {
      if (!fx) return;
      const send = fx.send || [];
      for (const msg of send) {
        try {
          state.model.send(msg);
        } catch (err) {
          console.error(`nb_label ${name}: could not send`, err);
        }
      }
      if (send.length || fx.changed) writeStored(state.model, card);
      if (send.length) scheduleOverdueCheck();
      if (fx.retryIn && retryTimer === null) {
        retryTimer = setTimeout(() => {
          retryTimer = null;
          apply(card.resend());
        }, fx.retryIn * 1000);
      }
      if (fx.changed || fx.announce) {
        for (const v of views) v.announce(fx.announce);
        card.notify();
      }
    }

    function stop() {
      if (overdueTimer !== null) clearTimeout(overdueTimer);
      if (retryTimer !== null) clearTimeout(retryTimer);
      overdueTimer = null;
      retryTimer = null;
    }

    /** A view joins: it gets announcements and updates. Returns its leaving. */
    function attach(announce, update) {
      const view = { announce };
      views.add(view);
      const unsubscribe = card.subscribe(update);
      update();
      return () => {
        unsubscribe();
        views.delete(view);
      };
    }

    const state = { card, apply, attach, views, model, wired: false, stop };
    states.set(id, state);
    return state;
  }

  /** Wire one model's events to its state (once per initialize) and say hello. */
  function wire(model, cardOptions) {
    const state = stateFor(model, cardOptions);
    const { card, apply } = state;
    state.model = model; // the initialize proxy: its listeners live as long as the model
    model.on("msg:custom", (msg) => apply(card.receive(msg)));
    // The comm closing (the kernel closed the widget or died): anywidget's proxy forwards `on`
    // to the ipywidgets model, which fires these events. It hides `comm_live` itself.
    const gone = () => apply(card.setConnected(false));
    model.on("comm:close", gone);
    model.on("destroy", gone);
    // ipywidgets sets `comm_live` true only when a model is made (before initialize) and false
    // when the kernel restarts or dies; the proxy hides the flag, so any update means "gone".
    model.on("comm_live_update", gone);
    for (const trait of ["labels", "progress", "message", "keymap", "options"]) {
      model.on(`change:${trait}`, () => card.notify());
    }
    const unsetup = setup ? setup(model, card) : null;
    if (!state.wired) {
      state.wired = true;
      card.restoreOutbox(readStored(model, card));
    }
    // With a shared dataset the kernel leases what this widget holds; the heartbeat keeps the
    // leases while the page is open. A closed laptop sends nothing, so its leases run out.
    let heartbeat = null;
    const scheduleHeartbeat = () => {
      if (heartbeat !== null) clearInterval(heartbeat);
      heartbeat = null;
      const seconds = Number((model.get("options") || {}).heartbeat_seconds);
      if (seconds > 0) {
        heartbeat = setInterval(() => {
          try {
            state.model.send({ type: "heartbeat" });
          } catch (err) {
            // the comm is gone; the leases run out on their own
          }
        }, seconds * 1000);
      }
    };
    scheduleHeartbeat();
    model.on("change:options", scheduleHeartbeat);
    apply(card.hello());
    return () => {
      if (unsetup) unsetup();
      if (heartbeat !== null) clearInterval(heartbeat);
      state.stop();
    };
  }

  /** anywidget's initialize hook: once per model. Options are for tests (clock, id factory). */
  function initialize({ model }, cardOptions) {
    return wire(model, cardOptions);
  }

  return { stateFor, initialize };
}

/** A DOM element with a class and text (textContent, never HTML). */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

/** A widget's root: focusable, a labelled group, JupyterLab's shortcuts kept out of it. */
export function widgetRoot(className, label) {
  const root = el("div", className);
  root.tabIndex = 0;
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  root.setAttribute("role", "group");
  root.setAttribute("aria-label", label);
  return root;
}
