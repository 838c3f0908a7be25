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
