// anywidget glue: initialize (once per model) and the state each render (once per view) uses.
// Nothing touches document/window/localStorage at import time.

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
