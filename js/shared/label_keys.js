// Which label a key press names: the label's key, its digit code, or the key's letter on any
// keyboard layout (event.code "KeyS" on a Cyrillic layout).

/** The letter a key press means: event.key, or event.code ("KeyS") on non-Latin layouts. */
export function letterOf(event) {
  const key = event.key || "";
  if (key.length === 1 && /[a-z]/i.test(key)) return key.toLowerCase();
  const m = /^Key([A-Z])$/.exec(event.code || "");
  if (key.length === 1 && m && !/[0-9]/.test(key)) return m[1].toLowerCase();
  return key.length === 1 ? key.toLowerCase() : null;
}

export function labelMatches(label, event) {
  if (!label) return false;
  const code = label.code || "";
  const digit = /^Digit([0-9])$/.exec(code);
  if (digit) return event.code === code || event.code === `Numpad${digit[1]}`;
  if (!label.key) return false;
  const key = String(label.key);
  if (event.key === key) return true;
  return key.length === 1 && /[a-z]/i.test(key) && letterOf(event) === key.toLowerCase();
}
