// nb_label item card: the view (render, once per view) and the anywidget glue (initialize,
// once per model). The state machine, keys, answer checks and blocks live in the modules it
// imports; tools/bundle.mjs bundles them into the one module anywidget loads.
//
// The contract with the kernel is docs/protocol.md. Nothing here touches document/window/
// localStorage at import time, so `node --test` can import it.

import { answerKind, checkAnswer, formatValue, nudgeNumber } from "./answers.js";
import { buildBlocks } from "./blocks.js";
import { formatProgress, formatSuggestion } from "./format.js";
import { RESERVED, keyAction } from "./keys.js";
import { ACK_OVERDUE_MS, createCard } from "./state.js";
import { safeColor } from "../shared/colors.js";
import { el, widgetRoot } from "../shared/dom.js";
import { createGlue } from "../shared/glue.js";
import { WAITING_TEXT } from "../shared/state_kit.js";

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


const ACTIONS = [
  ["skip", "Skip", "s"],
  ["back", "Back", "b"],
  ["undo", "Undo", "z"],
  ["unsure", "Unsure", "u"],
  ["none_fits", "None fits", "x"],
];

function render({ model, el: host }) {
  const state = stateFor(model);
  const { card, apply } = state;

  const root = widgetRoot("nbl-card", "nb_label item card");

  const header = el("div", "nbl-header");
  const progress = el("span", "nbl-progress");
  const message = el("span", "nbl-message");
  header.append(progress, message);

  const item = el("div", "nbl-item");
  item.tabIndex = -1;
  const answerLine = el("div", "nbl-answer");
  const suggestion = el("div", "nbl-suggestion");

  const labelRow = el("div", "nbl-labels");
  const actionRow = el("div", "nbl-actions");
  for (const [action, name, key] of ACTIONS) {
    const b = el("button", "nbl-action-btn");
    b.type = "button";
    b.dataset.action = action;
    b.append(el("span", "nbl-btn-name", name), el("kbd", "nbl-kbd", key));
    b.setAttribute("aria-label", name);
    b.title = `${name} (${key})`;
    actionRow.appendChild(b);
  }

  const form = el("div", "nbl-nonefits");
  form.hidden = true;
  const proposedLabel = el("label", "nbl-form-label", "What is it instead? ");
  const proposed = el("input", "nbl-proposed");
  proposed.type = "text";
  proposedLabel.appendChild(proposed);
  const reasonLabel = el("label", "nbl-form-label", "Why? ");
  const reason = el("input", "nbl-reason");
  reason.type = "text";
  reasonLabel.appendChild(reason);
  const formHint = el("span", "nbl-form-hint", "Enter to send · Escape to cancel");
  form.append(proposedLabel, reasonLabel, formHint);

  // The number or caption box (hidden for label kinds), with its send button.
  const answerRow = el("div", "nbl-answer-row");
  answerRow.hidden = true;
  const numberBox = el("input", "nbl-answer-box nbl-number");
  numberBox.type = "text";
  numberBox.inputMode = "decimal";
  numberBox.setAttribute("aria-label", "Number (Enter saves, arrow keys nudge)");
  const captionBox = el("textarea", "nbl-answer-box nbl-caption");
  captionBox.rows = 3;
  captionBox.setAttribute("aria-label", "Caption (Enter saves, Shift+Enter new line)");
  const sendButton = el("button", "nbl-send-btn");
  sendButton.type = "button";
  sendButton.dataset.action = "submit_answer";
  sendButton.append(el("span", "nbl-btn-name", "Save"), el("kbd", "nbl-kbd", "Enter"));
  sendButton.setAttribute("aria-label", "Save the answer");
  answerRow.append(numberBox, captionBox, sendButton);
  let toggled = new Set(); // multi-label: the labels toggled on for the item on screen

  const note = el("textarea", "nbl-note");
  note.placeholder = "Note (n)";
  note.rows = 1;
  note.setAttribute("aria-label", "Note");

  const status = el("div", "nbl-status");
  status.setAttribute("aria-live", "polite");
  status.setAttribute("role", "status");
  const keys = el("div", "nbl-keys");

  root.append(
    header, item, answerLine, suggestion, labelRow, answerRow, actionRow, form, note, status, keys,
  );
  host.appendChild(root);

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
  function answer() {
    return answerKind(model.get("options"));
  }
  function box() {
    const kind = answer().kind;
    return kind === "number" ? numberBox : kind === "caption" ? captionBox : null;
  }

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
      announcement = checked.reason; // shown on the card; nothing is sent
      return update();
    }
    card.setNote(note.value);
    return apply(card.press("label", { value: checked.value }));
  }

  function playPause() {
    const audio = item.querySelector("audio");
    if (!audio) {
      announcement = "no audio on this item";
      return update();
    }
    if (audio.paused) {
      const played = audio.play();
      if (played && typeof played.catch === "function") {
        played.catch((err) => {
          announcement = `audio could not be played: ${err && err.message ? err.message : err}`;
          update();
        });
      }
    } else {
      audio.pause();
    }
    return undefined;
  }

  function buildLabels() {
    const list = labels();
    if (list === labelsShown) return;
    labelsShown = list;
    const kind = answer().kind;
    labelRow.classList.toggle("nbl-rating", kind === "rating");
    labelRow.classList.toggle("nbl-multi", kind === "multi");
    labelRow.hidden = list.length === 0;
    answerRow.hidden = !(kind === "number" || kind === "caption" || kind === "multi");
    numberBox.hidden = kind !== "number";
    captionBox.hidden = kind !== "caption";
    sendButton.querySelector(".nbl-btn-name").textContent = kind === "multi" ? "Send labels" : "Save";
    labelRow.replaceChildren();
    list.forEach((label, i) => {
      const b = el("button", "nbl-label-btn");
      b.type = "button";
      b.dataset.valueIndex = String(i);
      const name = label.display ?? String(label.value);
      b.append(el("span", "nbl-btn-name", name));
      if (label.key) b.append(el("kbd", "nbl-kbd", label.key));
      b.setAttribute("aria-label", name);
      if (label.definition) b.title = String(label.definition);
      const color = safeColor(label.color);
      if (color) b.style.setProperty("--nbl-label-color", color);
      labelRow.appendChild(b);
    });
    buildKeys();
  }

  function buildKeys() {
    keys.replaceChildren();
    acceptHint = null;
    const add = (k, what) => {
      const span = el("span", "nbl-key");
      span.dataset.key = k;
      span.append(el("kbd", "nbl-kbd", k), document.createTextNode(` ${what}`));
      keys.appendChild(span);
      return span;
    };
    const kind = answer().kind;
    for (const label of labels()) {
      if (label.key) add(label.key, `${kind === "multi" ? "toggle " : ""}${label.display ?? label.value}`);
    }
    const keymap = { ...(model.get("keymap") || {}) };
    const reserved = Object.keys(keymap).length ? keymap : RESERVED;
    const enter = {
      multi: "send the toggled labels",
      number: "type a number, then Enter saves (Escape leaves the box)",
      caption: "type, then Enter saves (Shift+Enter new line, Escape leaves the box)",
    }[kind];
    if (enter) reserved.Enter = enter;
    if (kind === "number") add("\u2191 \u2193", "nudge (Shift: \u00d710)");
    for (const [k, what] of Object.entries(reserved)) {
      const span = add(k, keymap[k] ? what : what.replace("_", " "));
      // "Enter accept" only while a suggestion is there to accept (see update()).
      if (k === "Enter" && !enter) acceptHint = span;
    }
  }

  function describeAnswer(answer) {
    if (!answer) return "";
    let what = answer.kind;
    if (answer.kind === "label") {
      what = formatValue(answer.value, labels());
    } else if (answer.kind === "none_fits" && answer.value) {
      what = `none fits (${answer.value.proposed || "?"}: ${answer.value.reason || ""})`;
    } else if (answer.kind === "flag") {
      what = "unsure";
    }
    const st = answer.status === "refused" ? `not saved: ${answer.reason}` : answer.status;
    return `Your answer: ${what} (${st})`;
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
        closeForm(false);
        shownEntryKey = snap.item ? snap.item.key : null;
        resetAnswer(snap);
      }
      shownEntryKey = snap.item ? snap.item.key : null;
    }
    showToggles();
    answerLine.textContent = describeAnswer(snap.answer);
    answerLine.hidden = !snap.answer;
    const s = snap.item ? formatSuggestion(snap.item.suggestion) : "";
    suggestion.textContent = s;
    suggestion.hidden = !s;
    if (acceptHint) acceptHint.hidden = !s;
    if (document.activeElement !== note && note.value !== snap.note) note.value = snap.note;
    status.textContent = announcement || snap.status;
    root.dataset.pending = String(snap.pending);
    root.dataset.saved = String(snap.saved);
    root.dataset.connected = String(snap.connected);
    root.dataset.waiting = String(!snap.item);
    root.classList.toggle("nbl-disconnected", !snap.connected);
  }

  function openForm() {
    if (!card.current()) return apply({ send: [], changed: false, announce: WAITING_TEXT });
    form.hidden = false;
    proposed.value = "";
    reason.value = "";
    proposed.focus();
  }
  function closeForm(refocus = true) {
    if (form.hidden) return;
    form.hidden = true;
    if (refocus) root.focus();
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
        return openForm();
      case "submit_form": {
        card.setNote(note.value);
        const fx = card.press("none_fits", { value: { proposed: proposed.value, reason: reason.value } });
        if (fx.send.length) closeForm();
        else (reason.value.trim() ? proposed : reason).focus();
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
        if (!card.current()) return apply({ send: [], changed: false, announce: WAITING_TEXT });
        if (toggled.has(act.value)) toggled.delete(act.value);
        else toggled.add(act.value);
        return update();
      case "submit_answer":
        if (!card.current()) return apply({ send: [], changed: false, announce: WAITING_TEXT });
        return submitAnswer();
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
      case "play":
        return playPause();
      default:
        return undefined;
    }
  }

  function placeOf(target) {
    if (target === note) return "note";
    if (target === proposed || target === reason) return "form";
    if (target === numberBox || target === captionBox) return "answer_box";
    if (target && target.tagName === "BUTTON") return "button";
    return "card";
  }

  function onKeyDown(event) {
    const act = keyAction(event, labels(), { place: placeOf(event.target), answer: answer().kind });
    if (!act) return;
    event.stopPropagation(); // never let a handled key reach JupyterLab
    if (act.action === "typing") return;
    event.preventDefault();
    dispatch(act);
  }

  function onClick(event) {
    const button = event.target.closest && event.target.closest("button");
    if (!button || !root.contains(button)) return;
    if (button.classList.contains("nbl-label-btn")) {
      const label = labels()[Number(button.dataset.valueIndex)];
      const action = answer().kind === "multi" ? "toggle" : "label";
      if (label) dispatch({ action, value: label.value });
    } else if (button.dataset.action) {
      dispatch({ action: button.dataset.action });
    }
    if (form.hidden) root.focus();
  }

  const onInput = () => card.setNote(note.value);
  const onTyping = () => {
    card.typed(); // the first keystroke starts the caption's typing time
    captionBox.removeAttribute("aria-invalid");
  };
  const onScroll = () => {
    itemScrolled = item.scrollTop > 0; // layout is fresh during a scroll: no forced reflow
  };
  root.addEventListener("keydown", onKeyDown);
  root.addEventListener("click", onClick);
  note.addEventListener("input", onInput);
  captionBox.addEventListener("input", onTyping);
  item.addEventListener("scroll", onScroll, { passive: true });

  const detach = state.attach((text) => {
    announcement = text || null;
  }, update);

  return () => {
    detach();
    root.removeEventListener("keydown", onKeyDown);
    root.removeEventListener("click", onClick);
    note.removeEventListener("input", onInput);
    captionBox.removeEventListener("input", onTyping);
    item.removeEventListener("scroll", onScroll);
    root.remove();
  };
}

// Only the default export: anywidget treats a module with a named `render` as legacy.
export default { initialize, render };
