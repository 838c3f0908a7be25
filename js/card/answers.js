// Answer kinds: the checks the card makes before sending (the kernel checks again), and how
// an answer reads on the card.

/** The answer kind's description from the `options` trait; a single label by default. */
export function answerKind(options) {
  const answer = options && typeof options === "object" ? options.answer : null;
  return answer && typeof answer === "object" && answer.kind ? answer : { kind: "label" };
}

function decimals(x) {
  const text = String(x);
  return text.includes(".") ? text.length - text.indexOf(".") - 1 : 0;
}

/** A number box's text as a number, or null when it is not one ("3,5" reads as 3.5). */
export function parseNumber(text) {
  const t = String(text ?? "").trim().replace(",", ".");
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** ArrowUp / ArrowDown: move by `steps` steps from the box's number, within the bounds. */
export function nudgeNumber(answer, text, steps) {
  const step = Number(answer.step) > 0 ? Number(answer.step) : 1;
  const low = typeof answer.min === "number" ? answer.min : null;
  const high = typeof answer.max === "number" ? answer.max : null;
  const current = parseNumber(text);
  let next = current === null ? (low ?? 0) : current + steps * step;
  if (low !== null) next = Math.max(low, next);
  if (high !== null) next = Math.min(high, next);
  const places = Math.max(decimals(step), current === null ? 0 : decimals(current));
  return String(Number(next.toFixed(Math.min(places, 10))));
}

/**
 * Check an answer before it is sent. `draft` is the toggled labels (multi), the box's text
 * (number, caption) or the label / step itself.
 *
 * @returns {{ok: true, value: any} | {ok: false, reason: string}}
 */
export function checkAnswer(answer, draft, labels = []) {
  const kind = answer.kind;
  if (kind === "multi") {
    const chosen = new Set(Array.isArray(draft) ? draft : []);
    // in the label set's order, each once
    const value = labels.map((l) => l.value).filter((v) => chosen.has(v));
    const least = Number(answer.min_labels ?? 1);
    if (value.length < least) {
      const need = least === 1 ? "one label" : `${least} labels`;
      return { ok: false, reason: `choose at least ${need}: toggle labels with their keys, then press Enter` };
    }
    return { ok: true, value };
  }
  if (kind === "number") {
    const n = parseNumber(draft);
    if (n === null) return { ok: false, reason: "not a number: type a number, e.g. 3 or 2.5" };
    const low = typeof answer.min === "number" ? answer.min : null;
    const high = typeof answer.max === "number" ? answer.max : null;
    if ((low !== null && n < low) || (high !== null && n > high)) {
      const bounds = [low !== null ? `at least ${low}` : "", high !== null ? `at most ${high}` : ""];
      return { ok: false, reason: `${n} is out of bounds: give a number ${bounds.filter(Boolean).join(" and ")}` };
    }
    return { ok: true, value: n };
  }
  if (kind === "caption") {
    const text = String(draft ?? "");
    if (!text.trim() && !answer.allow_empty) {
      return { ok: false, reason: "the caption is empty: type the text first (or skip with s)" };
    }
    const most = Number(answer.max_length) || Infinity;
    if (text.length > most) return { ok: false, reason: `the caption is longer than ${most} characters` };
    return { ok: true, value: text };
  }
  return { ok: true, value: draft };
}

/** An answer's value as one line of text: labels joined, numbers and texts as they are. */
export function formatValue(value, labels = []) {
  const name = (v) => {
    const found = labels.find((l) => l.value === v);
    return found ? found.display ?? String(found.value) : String(v);
  };
  if (Array.isArray(value)) return value.length ? value.map(name).join(", ") : "(no labels)";
  if (typeof value === "string" && !labels.length) return value.replace(/\s+/g, " ");
  return name(value);
}

// ---------------------------------------------------------------------------------------
// The card's state machine
// ---------------------------------------------------------------------------------------

/** What an undo names: "spam", "skip", "unsure", "none fits", "a, b" (multi-label). */
export function undoneText(answer) {
  if (answer.kind === "label") {
    return Array.isArray(answer.value) ? answer.value.map(String).join(", ") : String(answer.value);
  }
  return { flag: "unsure", none_fits: "none fits" }[answer.kind] || answer.kind;
}

/** The card's line under the item: "Your answer: spam (saved)". */
export function describeAnswer(answer, labels = []) {
  if (!answer) return "";
  let what = answer.kind;
  if (answer.kind === "label") {
    what = formatValue(answer.value, labels);
  } else if (answer.kind === "none_fits" && answer.value) {
    what = `none fits (${answer.value.proposed || "?"}: ${answer.value.reason || ""})`;
  } else if (answer.kind === "flag") {
    what = "unsure";
  }
  const st = answer.status === "refused" ? `not saved: ${answer.reason}` : answer.status;
  return `Your answer: ${what} (${st})`;
}
