// The parts both widgets' views are built from. Each takes the widget's class names, so each
// keeps its own styles; text goes in with textContent, never as HTML.

import { safeColor } from "./colors.js";
import { el, widgetRoot } from "./dom.js";

// The buttons both widgets show, with the same names and keys: [action, name, key].
const BUTTONS = {
  skip: ["skip", "Skip", "s"],
  back: ["back", "Back", "b"],
  undo: ["undo", "Undo", "z"],
  unsure: ["unsure", "Unsure", "u"],
};

/**
 * A widget's frame: its root (class `className`, `label` for screen readers; see widgetRoot),
 * the header and the row of action buttons, their classes made from `prefix`. `buttons` are
 * shared actions by name ("skip", "back", "undo", "unsure") or the widget's own
 * `[action, name, key]`.
 */
export function widgetFrame(className, label, prefix, buttons, buttonClass) {
  const actions = buttons.map((b) => (typeof b === "string" ? BUTTONS[b] : b));
  return {
    root: widgetRoot(className, label),
    ...headerRow(prefix),
    actionRow: actionButtons(actions, `${prefix}-actions`, buttonClass),
  };
}

/** The header: the progress line and, beside it, the kernel's message. */
export function headerRow(prefix) {
  const header = el("div", `${prefix}-header`);
  const progress = el("span", `${prefix}-progress`);
  const message = el("span", `${prefix}-message`);
  header.append(progress, message);
  return { header, progress, message };
}

/** A row of buttons, one per `[action, name, key]`: the action in data-action, its key shown. */
export function actionButtons(actions, rowClass, buttonClass) {
  const row = el("div", rowClass);
  for (const [action, name, key] of actions) {
    const b = el("button", buttonClass);
    b.type = "button";
    b.dataset.action = action;
    b.append(el("span", "nbl-btn-name", name), el("kbd", "nbl-kbd", key));
    b.setAttribute("aria-label", name);
    b.title = `${name} (${key})`;
    row.appendChild(b);
  }
  return row;
}

/**
 * A label's button: its name and key, its definition as the tooltip, its colour (CSS colours
 * only) in the custom property `colorVar`. data-value-index says which label it is.
 */
export function labelButton(label, index, { className, colorVar, ariaLabel = (name) => name }) {
  const b = el("button", className);
  b.type = "button";
  b.dataset.valueIndex = String(index);
  const name = label.display ?? String(label.value);
  b.append(el("span", "nbl-btn-name", name));
  if (label.key) b.append(el("kbd", "nbl-kbd", label.key));
  b.setAttribute("aria-label", ariaLabel(name));
  if (label.definition) b.title = String(label.definition);
  const color = safeColor(label.color);
  if (color) b.style.setProperty(colorVar, color);
  return b;
}

/** One key hint: the key in a <kbd>, then what it does. */
export function keyHint(className, key, what) {
  const span = el("span", className);
  span.dataset.key = key;
  span.append(el("kbd", "nbl-kbd", key), document.createTextNode(` ${what}`));
  return span;
}

/** The note box: "n" focuses it; what it holds is sent with the next answer. */
export function noteBox(className) {
  const note = el("textarea", className);
  note.placeholder = "Note (n)";
  note.rows = 1;
  note.dir = "auto";
  note.setAttribute("aria-label", "Note");
  return note;
}

/** The status line, read out by screen readers when it changes. */
export function statusLine(className) {
  const status = el("div", className);
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  return status;
}

/** The state on the root, for styles and tests: pending, saved, connected, waiting. */
export function showConnection(root, snap) {
  root.dataset.pending = String(snap.pending);
  root.dataset.saved = String(snap.saved);
  root.dataset.connected = String(snap.connected);
  root.dataset.waiting = String(!snap.item);
  root.classList.toggle("nbl-disconnected", !snap.connected);
}

/**
 * A key the widget handles stops at the widget (it never reaches JupyterLab); a "typing" key
 * goes on to the browser, which types it. Returns the action to carry out, or null.
 */
export function takeKey(event, act) {
  if (!act) return null;
  event.stopPropagation();
  if (act.action === "typing") return null;
  event.preventDefault();
  return act;
}

/** The button a click landed on inside `root`, or null. */
export function clickedButton(event, root) {
  const button = event.target.closest && event.target.closest("button");
  return button && root.contains(button) ? button : null;
}

/**
 * Listen with each `[target, type, handler, options]` and return the one function that stops
 * them all (a view's cleanup).
 */
export function listen(bindings) {
  for (const [target, type, handler, options] of bindings) {
    target.addEventListener(type, handler, options);
  }
  return () => {
    for (const [target, type, handler] of bindings) target.removeEventListener(type, handler);
  };
}

/**
 * Start a view: listen with `bindings`, draw again on each change of the state, pass what
 * the state announces to `onAnnounce`. Returns the view's cleanup (what render returns).
 */
export function startView(state, root, update, onAnnounce, bindings) {
  const unlisten = listen(bindings);
  const detach = state.attach(onAnnounce, update);
  return () => {
    detach();
    unlisten();
    root.remove();
  };
}
