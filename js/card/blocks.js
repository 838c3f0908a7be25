// The item's blocks on screen: text, tables, images, audio. DOM APIs and textContent only,
// never HTML: no data may run code in the browser.

// Images narrower than this are enlarged by a whole factor, with crisp (pixelated) pixels.
const IMAGE_MIN_SHOWN_PX = 192;
const IMAGE_ZOOMS = [1, 2, 4, 8];

/** One image block: scaled to fit, small images enlarged crisply, zoom buttons. */
export function imageBlock(doc, block) {
  const src = String(block.src || "");
  if (!src.startsWith("data:image/")) {
    const refused = doc.createElement("div");
    refused.className = "nbl-missing nbl-image-refused";
    refused.textContent = "(image not shown: not a data:image URL)";
    return refused;
  }
  const width = Number(block.width) > 0 ? Number(block.width) : null;
  const natural = [Number(block.natural_width) || width, Number(block.natural_height) || null];
  // A whole factor keeps every source pixel the same size on screen.
  const factor = width && width < IMAGE_MIN_SHOWN_PX ? Math.ceil(IMAGE_MIN_SHOWN_PX / width) : 1;
  const wrap = doc.createElement("div");
  wrap.className = "nbl-image-block";
  const viewport = doc.createElement("div");
  viewport.className = "nbl-image-view";
  const img = doc.createElement("img");
  img.className = "nbl-image";
  img.src = src;
  img.alt = String(block.alt || "");
  img.draggable = false;
  viewport.appendChild(img);
  wrap.appendChild(viewport);
  if (!width) return wrap; // a block from a user's view without sizes: fit to the card only

  const tools = doc.createElement("div");
  tools.className = "nbl-image-tools";
  const zoomText = doc.createElement("span");
  zoomText.className = "nbl-image-zoom";
  const sizeText = doc.createElement("span");
  sizeText.className = "nbl-image-size";
  sizeText.textContent = natural[1] ? `${natural[0]}\u00d7${natural[1]} px` : "";
  let level = 0;
  function apply() {
    const zoom = IMAGE_ZOOMS[level];
    const shown = width * factor * zoom;
    img.style.width = `${shown}px`;
    img.classList.toggle("nbl-image-zoomed", zoom > 1);
    img.classList.toggle("nbl-image-pixelated", shown > width);
    img.dataset.zoom = String(zoom);
    zoomText.textContent = zoom === 1 ? "fit" : `\u00d7${zoom}`;
    zoomOut.disabled = level === 0;
    zoomIn.disabled = level === IMAGE_ZOOMS.length - 1;
  }
  function tool(label, text, step) {
    const button = doc.createElement("button");
    button.type = "button";
    button.className = "nbl-image-zoom-btn";
    button.textContent = text;
    button.setAttribute("aria-label", label);
    button.title = label;
    button.addEventListener("click", () => {
      level = Math.min(IMAGE_ZOOMS.length - 1, Math.max(0, level + step));
      apply();
    });
    // Enter and Space press the button; they must not also answer the item.
    button.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") event.stopPropagation();
    });
    return button;
  }
  const zoomOut = tool("Zoom out", "\u2212", -1);
  const zoomIn = tool("Zoom in", "+", 1);
  tools.append(zoomOut, zoomText, zoomIn, sizeText);
  wrap.appendChild(tools);
  apply();
  return wrap;
}

/** One audio block: a player for a data:audio URL made by nb_label; `p` plays or pauses. */
export function audioBlock(doc, block) {
  const src = String(block.src || "");
  if (!src.startsWith("data:audio/")) {
    const refused = doc.createElement("div");
    refused.className = "nbl-missing nbl-audio-refused";
    refused.textContent = "(audio not played: not a data:audio URL)";
    return refused;
  }
  const wrap = doc.createElement("div");
  wrap.className = "nbl-audio-block";
  const audio = doc.createElement("audio");
  audio.className = "nbl-audio";
  audio.controls = true;
  audio.preload = "auto";
  audio.src = src;
  audio.setAttribute("aria-label", String(block.label || "audio"));
  const hint = doc.createElement("span");
  hint.className = "nbl-audio-hint";
  const length = Number(block.seconds) > 0 ? ` · ${Number(block.seconds).toFixed(1)} s` : "";
  hint.textContent = `p play / pause${length}`;
  wrap.append(audio, hint);
  return wrap;
}

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

/**
 * Play or pause the item's audio (the `p` key). Returns what to announce now, or null;
 * `announce` is called later if the browser refuses to play.
 */
export function playPause(item, announce) {
  const audio = item.querySelector("audio");
  if (!audio) return "no audio on this item";
  if (!audio.paused) {
    audio.pause();
    return null;
  }
  const played = audio.play();
  if (played && typeof played.catch === "function") {
    played.catch((err) => announce(`audio could not be played: ${err && err.message ? err.message : err}`));
  }
  return null;
}
