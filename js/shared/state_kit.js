// What both widgets' states are made of: effects, a message receiver, view listeners.
// Pure: nothing here touches document/window/localStorage.

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
