// The card's lines of text: progress and suggestion.

/** The header line: "12 / 5,574 labelled · 9.3 per min · 2 pending". */
// One cached formatter: toLocaleString builds a new one per call (~1 ms per key press).
const NUMBER_FORMAT = new Intl.NumberFormat("en-US");

export function formatProgress(progress, { pending = 0, perMinute = null } = {}) {
  const p = progress || {};
  const fmt = (n) => NUMBER_FORMAT.format(Number(n || 0));
  const parts = [`${fmt(p.labelled)} / ${fmt(p.total)} labelled`];
  if (perMinute !== null && Number.isFinite(perMinute)) {
    parts.push(`${perMinute.toFixed(1)} per min`);
  }
  if (p.skipped) parts.push(`${fmt(p.skipped)} skipped`);
  if (p.flagged) parts.push(`${fmt(p.flagged)} unsure`);
  if (pending) parts.push(`${fmt(pending)} pending`);
  return parts.join(" · ");
}

/** The suggestion line, or "" when there is none. */
export function formatSuggestion(suggestion) {
  if (!suggestion) return "";
  const name = suggestion.display ?? String(suggestion.value);
  const pct = typeof suggestion.p === "number" ? ` (${Math.round(suggestion.p * 100)}%)` : "";
  return `Suggestion: ${name}${pct} — Enter to accept`;
}
