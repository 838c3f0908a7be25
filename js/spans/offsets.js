// Offsets: the kernel speaks Python str code points; DOM ranges and JS strings speak UTF-16
// units. The conversion happens at the edge: itemFromWire (in) and spansToWire (out).

const RTL_CHAR = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/;
const LTR_CHAR = /[A-Za-z\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF]/;

/** UTF-16 index of code point offset `cp` in `text`. */
export function cpToUtf16(text, cp) {
  let i = 0;
  for (let n = 0; n < cp && i < text.length; n++) {
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
  }
  return i;
}

/** Code point offset of UTF-16 index `i` in `text`. */
export function utf16ToCp(text, i) {
  let cp = 0;
  for (let j = 0; j < i && j < text.length; cp++) {
    const c = text.charCodeAt(j);
    j += c >= 0xd800 && c <= 0xdbff && j + 1 < text.length ? 2 : 1;
  }
  return cp;
}

export function spansFromWire(text, spans) {
  return (Array.isArray(spans) ? spans : []).map(([s, e, label]) => [
    cpToUtf16(text, s),
    cpToUtf16(text, e),
    label,
  ]);
}

export function spansToWire(text, spans) {
  return spans.map(([s, e, label]) => [utf16ToCp(text, s), utf16ToCp(text, e), label]);
}

// ---------------------------------------------------------------------------------------
// Words: where the cursor stops and where mouse selections snap to
// ---------------------------------------------------------------------------------------

/** Word-like segments of `text` as [{start, end}] in UTF-16 units. */
export function wordSegments(text) {
  const out = [];
  if (typeof Intl !== "undefined" && typeof Intl.Segmenter === "function") {
    const seg = new Intl.Segmenter(undefined, { granularity: "word" });
    for (const s of seg.segment(text)) {
      if (s.isWordLike) out.push({ start: s.index, end: s.index + s.segment.length });
    }
    return out;
  }
  for (const m of text.matchAll(/[\p{L}\p{N}\p{M}_]+/gu)) {
    out.push({ start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/**
 * Snap a selection [start, end) to whole words: widened to the words it touches, trimmed of
 * spaces and punctuation at its edges. Returns null when it touches no word.
 */
export function snapToWords(words, start, end) {
  const a = Math.min(start, end);
  const b = Math.max(start, end);
  const touched = words.filter((w) => w.end > a && w.start < b);
  if (!touched.length) return null;
  return { start: touched[0].start, end: touched[touched.length - 1].end };
}

export function isRtl(text) {
  for (const ch of text) {
    if (RTL_CHAR.test(ch)) return true;
    if (LTR_CHAR.test(ch)) return false;
  }
  return false;
}
