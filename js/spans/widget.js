// nb_label spans widget: mark spans of a text by mouse or keyboard. The messages are the
// item card's (docs/protocol.md); a label answer's value is {spans: [[start, end, label]],
// text_sha256}. This module is the view and the anywidget glue; the state, keys, offsets and
// the marked text live in the modules it imports (bundled by tools/bundle.mjs).
// Nothing touches the DOM at import time.

import { el } from "../shared/dom.js";
import { createGlue } from "../shared/glue.js";
import { WAITING_TEXT } from "../shared/state_kit.js";
import * as view from "../shared/view.js";
import { spanKeyAction } from "./keys.js";
import { spansToWire } from "./offsets.js";
import { createSpanCard } from "./state.js";
import { buildText, offsetAtPoint } from "./text_view.js";

// ---------------------------------------------------------------------------------------
// anywidget glue
// ---------------------------------------------------------------------------------------

const { stateFor, initialize } = createGlue({
  name: "spans",
  storagePrefix: "nb_label:spans-outbox:",
  create: (model, cardOptions) =>
    createSpanCard({ overlapping: (model.get("options") || {}).overlapping, ...(cardOptions || {}) }),
  setup(model, card) {
    const onOptions = () => card.setOverlapping((model.get("options") || {}).overlapping);
    model.on("change:options", onOptions);
    return null;
  },
});

function render({ model, el: host }) {
  const state = stateFor(model);
  const { card, apply } = state;

  const buttons = [["accept", "Accept & next", "Enter"], ["remove", "Remove span", "Del"], "skip", "unsure", "back", "undo"];
  const { root, header, progress, message, actionRow } = view.widgetFrame(
    "nbl-spans", "nb_label span labelling", "nbl-spans", buttons, "nbl-spans-action",
  );
  const textBox = el("div", "nbl-span-text");
  textBox.dir = "auto";
  const hint = el("div", "nbl-spans-hint");
  const labelRow = el("div", "nbl-spans-labels");
  // The note: kept with the text on screen, sent with its next answer. Its text is a value,
  // never HTML; keys typed in it never reach the word cursor or the label keys.
  const note = view.noteBox("nbl-spans-note");
  let noteFor = null; // the entry whose note the box shows
  const status = view.statusLine("nbl-spans-status");
  const keys = el("div", "nbl-spans-keys");
  root.append(header, textBox, hint, labelRow, actionRow, note, status, keys);
  host.appendChild(root);

  let announcement = null;
  let labelsShown = null;
  const labels = () => (Array.isArray(model.get("labels")) ? model.get("labels") : []);
  const colors = () => Object.fromEntries(labels().map((l) => [String(l.value), l.color]));

  function buildLabels() {
    const list = labels();
    if (list === labelsShown) return;
    labelsShown = list;
    const look = { className: "nbl-spans-label", colorVar: "--nbl-span-color", ariaLabel: (name) => `Label ${name}` };
    labelRow.replaceChildren(...list.map((label, i) => view.labelButton(label, i, look)));
    keys.replaceChildren();
    const add = (k, what) => keys.appendChild(view.keyHint("nbl-spans-key", k, what));
    for (const label of list) if (label.key) add(label.key, label.display ?? label.value);
    for (const [k, what] of Object.entries(model.get("keymap") || {})) add(k, what);
  }

  function update() {
    const snap = card.snapshot();
    buildLabels();
    const p = model.get("progress") || {};
    progress.textContent = `${p.labelled || 0} / ${p.total || 0} texts done${snap.pending ? ` · ${snap.pending} pending` : ""}`;
    message.textContent = model.get("message") || "";
    textBox.replaceChildren();
    if (snap.item) {
      textBox.dataset.key = snap.item.key;
      textBox.appendChild(buildText(document, snap.item.text, snap.spans, snap.suggestions, snap.sel, colors()));
      textBox.dataset.spans = JSON.stringify(spansToWire(snap.item.text, snap.spans));
    } else {
      delete textBox.dataset.key;
      delete textBox.dataset.spans;
      textBox.appendChild(el("div", "nbl-spans-waiting", WAITING_TEXT));
    }
    const tips = [];
    if (snap.item && snap.item.stale) tips.push("the text changed since its spans were saved: mark it again");
    if (snap.suggestions.length) tips.push(`${snap.suggestions.length} suggested (dashed): Enter accepts, Delete rejects one, a label key fixes one`);
    if (snap.answerKind === "flag") tips.push("flagged as unsure");
    hint.textContent = tips.join(" · ");
    hint.hidden = !tips.length;
    // another text on screen: its own note; the same text: never overwrite what is being typed
    if (snap.entry !== noteFor || document.activeElement !== note) {
      if (note.value !== snap.note) note.value = snap.note;
      noteFor = snap.entry;
    }
    note.disabled = !snap.item;
    status.textContent = announcement || snap.status;
    view.showConnection(root, snap);
    root.dataset.answer = snap.answerStatus || "";
  }

  function dispatch(act) {
    announcement = null;
    if (act.action === "focus_note") {
      if (!card.current()) return apply({ send: [], changed: false, announce: WAITING_TEXT });
      return note.focus();
    }
    if (act.action === "leave_note") {
      if (noteFor === card.current()) card.setNote(note.value);
      return root.focus({ preventScroll: true });
    }
    return apply(card.press(act.action, act)); // the note is in the state already (input)
  }

  function onKeyDown(event) {
    if (event.target && event.target.tagName === "BUTTON" && (event.key === "Enter" || event.key === " ")) {
      event.stopPropagation(); // the button's own click does it
      return;
    }
    const place = event.target === note ? "note" : "text";
    const act = view.takeKey(event, spanKeyAction(event, labels(), { place }));
    if (act) dispatch(act);
  }

  const onNoteInput = () => {
    if (noteFor === card.current()) card.setNote(note.value);
  };

  // Drags are read from caret positions at mousedown and mouseup, not from the page's
  // selection: the notebook around the widget may move or drop a native selection.
  const offsetAt = (event) => offsetAtPoint(textBox, event.clientX, event.clientY);
  let dragFrom = null;
  function onMouseDown(event) {
    dragFrom = event.button === 0 ? offsetAt(event) : null;
  }

  function onMouseUp(event) {
    if (event.button !== 0 || dragFrom === null) return;
    const to = offsetAt(event);
    const from = dragFrom;
    dragFrom = null;
    if (to === null) return;
    const selection = globalThis.getSelection ? globalThis.getSelection() : null;
    if (selection && selection.removeAllRanges) selection.removeAllRanges(); // ours is drawn
    // a click (no drag) selects the span or word under the pointer
    dispatch({ action: "select", start: Math.min(from, to), end: Math.max(from, to) });
    root.focus({ preventScroll: true });
  }

  function onClick(event) {
    const button = view.clickedButton(event, root);
    if (!button) return;
    if (button.classList.contains("nbl-spans-label")) {
      const label = labels()[Number(button.dataset.valueIndex)];
      if (label) dispatch({ action: "label", value: label.value });
    } else if (button.dataset.action) {
      dispatch({ action: button.dataset.action });
    }
    root.focus({ preventScroll: true });
  }

  const onAnnounce = (text) => (announcement = text || null);
  return view.startView(state, root, update, onAnnounce, [
    [root, "keydown", onKeyDown],
    [textBox, "mousedown", onMouseDown],
    [textBox, "mouseup", onMouseUp],
    [root, "click", onClick],
    [note, "input", onNoteInput],
  ]);
}

// Only the default export: anywidget treats a module with a named `render` as legacy.
export default { initialize, render };
