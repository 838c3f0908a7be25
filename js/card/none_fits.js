// The "none of these fits" form: what the item is instead, and why. Enter sends it.

import { el } from "../shared/dom.js";

/** The form, hidden until opened: `open()` clears and focuses it, `close()` hides it. */
export function noneFitsForm() {
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
  const hint = el("span", "nbl-form-hint", "Enter to send · Escape to cancel");
  form.append(proposedLabel, reasonLabel, hint);
  return {
    form,
    contains: (target) => target === proposed || target === reason,
    value: () => ({ proposed: proposed.value, reason: reason.value }),
    open() {
      form.hidden = false;
      proposed.value = "";
      reason.value = "";
      proposed.focus();
    },
    /** Hide it; false when it was not open. */
    close() {
      if (form.hidden) return false;
      form.hidden = true;
      return true;
    },
    /** After a refused send: the box still to fill. */
    focusMissing: () => (reason.value.trim() ? proposed : reason).focus(),
  };
}
