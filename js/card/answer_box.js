// The number or caption box of answer kinds that are typed, with its send button (hidden for
// label kinds; the multi-label kind shows the button alone, to send the toggled labels).

import { el } from "../shared/dom.js";

export function answerBox() {
  const row = el("div", "nbl-answer-row");
  row.hidden = true;
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
  row.append(numberBox, captionBox, sendButton);
  return {
    row,
    numberBox,
    captionBox,
    /** The box the answer kind types into, or null. */
    boxFor: (kind) => (kind === "number" ? numberBox : kind === "caption" ? captionBox : null),
    contains: (target) => target === numberBox || target === captionBox,
    /** Show what the answer kind needs. */
    showFor(kind) {
      row.hidden = !(kind === "number" || kind === "caption" || kind === "multi");
      numberBox.hidden = kind !== "number";
      captionBox.hidden = kind !== "caption";
      sendButton.querySelector(".nbl-btn-name").textContent = kind === "multi" ? "Send labels" : "Save";
    },
  };
}
