// An image block: scaled to fit, small images enlarged crisply, zoom buttons. DOM APIs only;
// the image comes as a data: URL that nb_label made.

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
