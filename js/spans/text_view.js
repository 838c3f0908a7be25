// The marked text on screen, and DOM positions back to text offsets.

import { safeColor } from "../shared/colors.js";
import { segments } from "./segments.js";

/** Build the marked text: one element per segment, its text set with textContent. */
export function buildText(doc, text, spans, suggestions, selection, colors = {}) {
  const frag = doc.createDocumentFragment();
  const ends = new Map();
  for (const s of spans) ends.set(s[1], [...(ends.get(s[1]) || []), s[2]]);
  for (const seg of segments(text, spans, suggestions, selection)) {
    const node = doc.createElement(seg.spans.length ? "mark" : "span");
    node.className = "nbl-seg";
    node.dataset.start = String(seg.start);
    node.dataset.end = String(seg.end);
    node.textContent = text.slice(seg.start, seg.end);
    if (seg.spans.length) {
      node.classList.add("nbl-mark");
      const labels = seg.spans.map((s) => String(s[2]));
      node.dataset.label = labels.join(" ");
      if (seg.spans.length > 1) node.classList.add("nbl-mark-overlap");
      const color = colors[labels[0]];
      if (safeColor(color)) node.style.setProperty("--nbl-span-color", safeColor(color));
      node.title = labels.join(", ");
      const closing = ends.get(seg.end);
      if (closing && seg.spans.some((s) => s[1] === seg.end)) node.dataset.tag = closing.join("+");
    }
    if (seg.suggested.length) {
      node.classList.add("nbl-suggested");
      node.dataset.suggested = seg.suggested.map((s) => String(s[2])).join(" ");
      if (!seg.spans.length && seg.suggested.some((s) => s[1] === seg.end)) {
        node.dataset.tag = `${seg.suggested.map((s) => String(s[2])).join("+")}?`;
      }
    }
    if (seg.selected) node.classList.add("nbl-selected");
    frag.appendChild(node);
  }
  return frag;
}

/** UTF-16 offset in the text of a DOM (node, offset) position inside `container`. */
export function domOffset(container, node, offset) {
  if (!node) return null;
  if (node.nodeType === 3) {
    const seg = node.parentElement && node.parentElement.closest("[data-start]");
    return seg && container.contains(seg) ? Number(seg.dataset.start) + offset : null;
  }
  if (node === container) {
    const child = container.children[offset];
    if (child) return Number(child.dataset.start);
    const last = container.lastElementChild;
    return last ? Number(last.dataset.end) : 0;
  }
  const seg = node.closest && node.closest("[data-start]");
  if (!seg || !container.contains(seg)) return null;
  return offset === 0 ? Number(seg.dataset.start) : Number(seg.dataset.end);
}

/** The text offset under the point (x, y), or null when the point is not on the text. */
export function offsetAtPoint(textBox, x, y) {
  let node = null;
  let offset = 0;
  if (document.caretRangeFromPoint) {
    const r = document.caretRangeFromPoint(x, y);
    if (r) [node, offset] = [r.startContainer, r.startOffset];
  } else if (document.caretPositionFromPoint) {
    const p = document.caretPositionFromPoint(x, y);
    if (p) [node, offset] = [p.offsetNode, p.offset];
  }
  return node && textBox.contains(node) ? domOffset(textBox, node, offset) : null;
}
