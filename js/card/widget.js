// nb_label item card: the view (render, once per view) and the anywidget glue (initialize,
// once per model). The state machine, keys, answer checks and blocks live in the modules it
// imports; tools/bundle.mjs bundles them into the one module anywidget loads.
//
// The contract with the kernel is docs/protocol.md. Nothing here touches document/window/
// localStorage at import time, so `node --test` can import it.

import { answerBox } from "./answer_box.js";
import { answerKind, checkAnswer, describeAnswer, nudgeNumber } from "./answers.js";
import { playPause } from "./audio_block.js";
import { buildBlocks } from "./blocks.js";
import { formatProgress, formatSuggestion } from "./format.js";
import { showKeyHints } from "./key_hints.js";
import { keyAction } from "./keys.js";
import { noneFitsForm } from "./none_fits.js";
import { ACK_OVERDUE_MS, createCard } from "./state.js";
import { el } from "../shared/dom.js";
import { createGlue } from "../shared/glue.js";
import { WAITING_TEXT } from "../shared/state_kit.js";
import * as view from "../shared/view.js";

// ---------------------------------------------------------------------------------------
// anywidget glue: initialize (once per model) and render (once per view)
// ---------------------------------------------------------------------------------------

const { stateFor, initialize } = createGlue({
  name: "card",
  storagePrefix: "nb_label:outbox:",
  create: (model, cardOptions) => createCard(cardOptions),
  ackOverdueMs: ACK_OVERDUE_MS,
  // seconds per item pause while the page is hidden
  setup(model, card) {
    if (typeof document === "undefined" || typeof document.addEventListener !== "function") {
      return null;
    }
    const onVisibility = () => card.setHidden(document.hidden);
    onVisibility();
    document.addEventListener("visibilitychange", onVisibility);
    return () => document.removeEventListener("visibilitychange", onVisibility);
  },
});

function render({ model, el: host }) {
  const state = stateFor(model);
  const { card, apply } = state;

  const buttons = ["skip", "back", "undo", "unsure", ["none_fits", "None fits", "x"]];
  const frame = view.widgetFrame("nbl-card", "nb_label item card", "nbl", buttons, "nbl-action-btn");
  const { root, header, progress, message, actionRow } = frame;
  const item = el("div", "nbl-item");
  item.tabIndex = -1;
  const answerLine = el("div", "nbl-answer");
  const suggestion = el("div", "nbl-suggestion");
  const labelRow = el("div", "nbl-labels");
  const form = noneFitsForm();
  const typed = answerBox();
  const { numberBox, captionBox } = typed;
  const note = view.noteBox("nbl-note");
  const status = view.statusLine("nbl-status");
  const keys = el("div", "nbl-keys");
  root.append(
    header, item, answerLine, suggestion, labelRow, typed.row, actionRow, form.form, note, status, keys,
  );
  host.appendChild(root);

  let toggled = new Set(); // multi-label: the labels toggled on for the item on screen
  let shownEntryKey = null;
  let shownItem = null;
  let labelsShown = null;
  let announcement = null;
  let acceptHint = null; // the "Enter accept" key hint, shown only with a suggestion
  let itemScrolled = false; // the reader scrolled the shown item (long texts)

  function labels() {
    const l = model.get("labels");
    return Array.isArray(l) ? l : [];
  }
  const answer = () => answerKind(model.get("options"));
  const box = () => typed.boxFor(answer().kind);
  const waiting = () => apply({ send: [], changed: false, announce: WAITING_TEXT });
  const announce = (text) => {
    announcement = text;
    update();
  };

  /** A new item on screen: the answer controls start from its saved answer or suggestion. */
  function resetAnswer(snap) {
    const kind = answer().kind;
    const saved = snap.answer && snap.answer.kind === "label" ? snap.answer.value : null;
    if (kind === "multi") {
      const start = saved ?? (snap.item && snap.item.suggestion ? snap.item.suggestion.value : []);
      toggled = new Set(Array.isArray(start) ? start : []);
    }
    const target = box();
    if (target) {
      target.value = saved === null || saved === undefined ? "" : String(saved);
      target.removeAttribute("aria-invalid");
      const focused = typeof document !== "undefined" && root.contains(document.activeElement);
      if (focused && snap.item) target.focus();
    }
  }

  function showToggles() {
    const multi = answer().kind === "multi";
    labels().forEach((label, i) => {
      const b = labelRow.children[i];
      if (!b) return;
      if (multi) b.setAttribute("aria-pressed", String(toggled.has(label.value)));
      else b.removeAttribute("aria-pressed");
    });
  }

  function submitAnswer() {
    const kind = answer().kind;
    const target = box();
    const draft = kind === "multi" ? [...toggled] : target ? target.value : null;
    const checked = checkAnswer(answer(), draft, labels());
    if (!checked.ok) {
      if (target) {
        target.setAttribute("aria-invalid", "true");
        target.focus();
      }
      return announce(checked.reason); // shown on the card; nothing is sent
    }
    card.setNote(note.value);
    return apply(card.press("label", { value: checked.value }));
  }

  function buildLabels() {
    const list = labels();
    if (list === labelsShown) return;
    labelsShown = list;
    const kind = answer().kind;
    labelRow.classList.toggle("nbl-rating", kind === "rating");
    labelRow.classList.toggle("nbl-multi", kind === "multi");
    labelRow.hidden = list.length === 0;
    typed.showFor(kind);
    labelRow.replaceChildren(
      ...list.map((label, i) => view.labelButton(label, i, { className: "nbl-label-btn", colorVar: "--nbl-label-color" })),
    );
    acceptHint = showKeyHints(keys, list, kind, model.get("keymap"));
  }

  function update() {
    const snap = card.snapshot();
    buildLabels();
    progress.textContent = formatProgress(model.get("progress"), {
      pending: snap.pending,
      perMinute: snap.perMinute,
    });
    message.textContent = model.get("message") || "";
    if (snap.item !== shownItem || !snap.item) {
      shownItem = snap.item;
      item.replaceChildren();
      if (snap.item) {
        item.dataset.key = snap.item.key;
        item.appendChild(buildBlocks(document, snap.item.blocks));
        // Writing scrollTop forces a layout of the whole page (~1 ms in marimo, more in a big
        // notebook) before the item can show: only when the reader scrolled the last one.
        if (itemScrolled) {
          item.scrollTop = 0;
          itemScrolled = false;
        }
      } else {
        delete item.dataset.key;
        item.appendChild(el("div", "nbl-waiting", WAITING_TEXT));
      }
      if (shownEntryKey !== (snap.item && snap.item.key)) {
        form.close();
        shownEntryKey = snap.item ? snap.item.key : null;
        resetAnswer(snap);
      }
      shownEntryKey = snap.item ? snap.item.key : null;
    }
    showToggles();
    answerLine.textContent = describeAnswer(snap.answer, labels());
    answerLine.hidden = !snap.answer;
    const s = snap.item ? formatSuggestion(snap.item.suggestion) : "";
    suggestion.textContent = s;
    suggestion.hidden = !s;
    if (acceptHint) acceptHint.hidden = !s;
    if (document.activeElement !== note && note.value !== snap.note) note.value = snap.note;
    status.textContent = announcement || snap.status;
    view.showConnection(root, snap);
  }

  function closeForm() {
    if (form.close()) root.focus();
  }

  function dispatch(act) {
    announcement = null;
    switch (act.action) {
      case "label":
      case "accept":
      case "skip":
      case "unsure":
      case "back":
      case "undo":
        card.setNote(note.value);
        return apply(card.press(act.action, { value: act.value }));
      case "none_fits":
        return card.current() ? form.open() : waiting();
      case "submit_form": {
        card.setNote(note.value);
        const fx = card.press("none_fits", { value: form.value() });
        if (fx.send.length) closeForm();
        else form.focusMissing();
        return apply(fx);
      }
      case "cancel_form":
        return closeForm();
      case "focus_note":
        return note.focus();
      case "leave_note":
        card.setNote(note.value);
        return root.focus();
      case "focus_card":
        return root.focus();
      case "toggle":
        if (!card.current()) return waiting();
        if (toggled.has(act.value)) toggled.delete(act.value);
        else toggled.add(act.value);
        return update();
      case "submit_answer":
        return card.current() ? submitAnswer() : waiting();
      case "nudge":
        numberBox.value = nudgeNumber(answer(), numberBox.value, act.steps);
        numberBox.removeAttribute("aria-invalid");
        return undefined;
      case "type_answer":
        numberBox.focus();
        numberBox.value += act.text;
        return undefined;
      case "focus_answer":
        return box() ? box().focus() : undefined;
      case "play": {
        const now = playPause(item, announce);
        return now ? announce(now) : undefined;
      }
      default:
        return undefined;
    }
  }

  function placeOf(target) {
    if (target === note) return "note";
    if (form.contains(target)) return "form";
    if (typed.contains(target)) return "answer_box";
    if (target && target.tagName === "BUTTON") return "button";
    return "card";
  }

  function onKeyDown(event) {
    const where = { place: placeOf(event.target), answer: answer().kind };
    const act = view.takeKey(event, keyAction(event, labels(), where));
    if (act) dispatch(act);
  }

  function onClick(event) {
    const button = view.clickedButton(event, root);
    if (!button) return;
    if (button.classList.contains("nbl-label-btn")) {
      const label = labels()[Number(button.dataset.valueIndex)];
      const action = answer().kind === "multi" ? "toggle" : "label";
      if (label) dispatch({ action, value: label.value });
    } else if (button.dataset.action) {
      dispatch({ action: button.dataset.action });
    }
    if (form.form.hidden) root.focus();
  }

  const onAnnounce = (text) => (announcement = text || null);
  return view.startView(state, root, update, onAnnounce, [
    [root, "keydown", onKeyDown],
    [root, "click", onClick],
    [note, "input", () => card.setNote(note.value)],
    [
      captionBox,
      "input",
      () => {
        card.typed(); // the first keystroke starts the caption's typing time
        captionBox.removeAttribute("aria-invalid");
      },
    ],
    // layout is fresh during a scroll: reading scrollTop forces no reflow
    [item, "scroll", () => (itemScrolled = item.scrollTop > 0), { passive: true }],
  ]);
}

// Only the default export: anywidget treats a module with a named `render` as legacy.
export default { initialize, render };
