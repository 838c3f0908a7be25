// Shared builders for the card tests: a fake clock, sequential ids, items as the kernel sends them.
export function clock(start = Date.UTC(2026, 10, 27, 9, 0, 0)) {
  let t = start;
  const now = () => t;
  now.advance = (ms) => {
    t += ms;
    return t;
  };
  return now;
}

export function ids(prefix = "c") {
  let n = 0;
  return () => `${prefix}${++n}`;
}

export function item(key, extra = {}) {
  return {
    key: String(key),
    blocks: [{ kind: "text", text: `message ${key}` }],
    suggestion: null,
    saved: null,
    audit: false,
    ...extra,
  };
}

export function buffer(mode, generation, keys, extra = {}) {
  return { type: "buffer", mode, generation, items: keys.map((k) => item(k, extra[k])) };
}

/** A stand-in for anywidget's model proxy: each call makes a new proxy of one model. */
export function fakeModel(traits) {
  const handlers = new Map();
  const sent = [];
  const base = { layout: { id: `layout-${Math.random()}` }, ...traits };
  const proxy = () => ({
    get: (name) => base[name],
    send: (msg) => sent.push(msg),
    on: (name, fn) => handlers.set(name, [...(handlers.get(name) || []), fn]),
    off: () => {},
  });
  const fire = (name, ...args) => (handlers.get(name) || []).forEach((fn) => fn(...args));
  return { proxy, sent, fire };
}

/** An in-memory localStorage. */
export function fakeStorage() {
  const data = new Map();
  return {
    data,
    getItem: (k) => (data.has(k) ? data.get(k) : null),
    setItem: (k, v) => data.set(k, String(v)),
    removeItem: (k) => data.delete(k),
  };
}
