// The item's blocks on screen: text, tables, and the image and audio blocks of their own
// modules. DOM APIs and textContent only, never HTML: no data may run code in the browser.

import { audioBlock } from "./audio_block.js";
import { imageBlock } from "./image_block.js";

/** Build the DOM for one item's blocks: DOM APIs and textContent only, never HTML. */
export function buildBlocks(doc, blocks) {
  const frag = doc.createDocumentFragment();
  for (const block of Array.isArray(blocks) ? blocks : []) {
    if (!block || typeof block !== "object") continue;
    if (block.kind === "text") {
      const p = doc.createElement("div");
      p.className = "nbl-text";
      p.dir = "auto";
      p.textContent = String(block.text ?? "");
      frag.appendChild(p);
    } else if (block.kind === "table") {
      const wrap = doc.createElement("div");
      wrap.className = "nbl-table-wrap";
      const table = doc.createElement("table");
      table.className = "nbl-table";
      const columns = Array.isArray(block.columns) ? block.columns : [];
      const values = Array.isArray(block.values) ? block.values : [];
      const tbody = doc.createElement("tbody");
      columns.forEach((col, i) => {
        const tr = doc.createElement("tr");
        const th = doc.createElement("th");
        th.scope = "row";
        th.textContent = String(col);
        const td = doc.createElement("td");
        td.dir = "auto";
        td.textContent = values[i] === null || values[i] === undefined ? "" : String(values[i]);
        tr.append(th, td);
        tbody.appendChild(tr);
      });
      table.appendChild(tbody);
      wrap.appendChild(table);
      if (block.beside && frag.lastChild) {
        // a text with a small table beside it (side by side when the cell is wide enough)
        const split = doc.createElement("div");
        split.className = "nbl-split";
        split.append(frag.lastChild, wrap);
        frag.appendChild(split);
      } else {
        frag.appendChild(wrap);
      }
    } else if (block.kind === "image") {
      frag.appendChild(imageBlock(doc, block));
    } else if (block.kind === "audio") {
      frag.appendChild(audioBlock(doc, block));
    } else if (block.kind === "missing") {
      const span = doc.createElement("div");
      span.className = "nbl-missing";
      span.textContent = block.text ? String(block.text) : "(missing)";
      frag.appendChild(span);
    }
  }
  return frag;
}
