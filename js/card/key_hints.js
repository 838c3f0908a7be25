// The key hints under the card: each label's key, then the card's own keys.

import { RESERVED } from "./keys.js";
import { keyHint } from "../shared/view.js";

const ENTER = {
  multi: "send the toggled labels",
  number: "type a number, then Enter saves (Escape leaves the box)",
  caption: "type, then Enter saves (Shift+Enter new line, Escape leaves the box)",
};

/**
 * Fill `keys` with the hints for `labels` under answer kind `kind` and the kernel's `keymap`.
 * Returns the "Enter accept" hint (shown only while there is a suggestion), or null.
 */
export function showKeyHints(keys, labels, kind, keymap) {
  keys.replaceChildren();
  const add = (k, what) => keys.appendChild(keyHint("nbl-key", k, what));
  for (const label of labels) {
    if (label.key) add(label.key, `${kind === "multi" ? "toggle " : ""}${label.display ?? label.value}`);
  }
  const named = { ...(keymap || {}) };
  const reserved = Object.keys(named).length ? named : { ...RESERVED };
  const enter = ENTER[kind];
  if (enter) reserved.Enter = enter;
  if (kind === "number") add("\u2191 \u2193", "nudge (Shift: \u00d710)");
  let acceptHint = null;
  for (const [k, what] of Object.entries(reserved)) {
    const span = add(k, named[k] ? what : what.replace("_", " "));
    if (k === "Enter" && !enter) acceptHint = span;
  }
  return acceptHint;
}
