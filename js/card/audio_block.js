// An audio block: a player for a data:audio URL that nb_label made, and the `p` key's
// play or pause.

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
