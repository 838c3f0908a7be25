// The marked text as segments: spans, suggestions and the selection, sorted and split.

export function overlapping(a, b) {
  return a[0] < b[1] && b[0] < a[1];
}

export function sortSpans(spans) {
  return [...spans].sort((x, y) => x[0] - y[0] || x[1] - y[1] || String(x[2]).localeCompare(String(y[2])));
}

/**
 * Pieces of the text between every span boundary, each with the spans and suggestions that
 * cover it: [{start, end, spans: [...], suggested: [...], selected}].
 */
export function segments(text, spans, suggestions = [], selection = null) {
  const cuts = new Set([0, text.length]);
  for (const [s, e] of [...spans, ...suggestions]) cuts.add(s).add(e);
  if (selection) cuts.add(selection.start).add(selection.end);
  const points = [...cuts].filter((x) => x >= 0 && x <= text.length).sort((x, y) => x - y);
  const out = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i];
    const end = points[i + 1];
    if (end <= start) continue;
    const piece = [start, end];
    out.push({
      start,
      end,
      spans: spans.filter((sp) => overlapping(sp, piece)),
      suggested: suggestions.filter((sp) => overlapping(sp, piece)),
      selected: Boolean(selection && selection.start <= start && end <= selection.end),
    });
  }
  return out;
}
