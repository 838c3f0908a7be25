// The card's clocks: seconds per item count visible time; the items-per-minute figure.

const RATE_WINDOW = 10; // answers used for the items-per-minute figure

/**
 * Measures visible time: pauses while the page is hidden so `seconds` counts attention,
 * not wall time.
 */
export function createStopwatch(now = () => Date.now()) {
  let startedAt = null; // null while paused
  let banked = 0;
  let hidden = false;
  return {
    restart(t = now()) {
      banked = 0;
      startedAt = hidden ? null : t;
    },
    setHidden(isHidden, t = now()) {
      if (isHidden === hidden) return;
      hidden = isHidden;
      if (hidden && startedAt !== null) {
        banked += t - startedAt;
        startedAt = null;
      } else if (!hidden) {
        startedAt = t;
      }
    },
    /** Visible milliseconds since the last restart. */
    read(t = now()) {
      return banked + (startedAt === null ? 0 : Math.max(0, t - startedAt));
    },
    get hidden() {
      return hidden;
    },
  };
}

/** Items per minute from the times (ms) of the last answers; null until two answers exist. */
export function itemsPerMinute(times) {
  const recent = times.slice(-RATE_WINDOW);
  if (recent.length < 2) return null;
  const span = recent[recent.length - 1] - recent[0];
  if (span <= 0) return null;
  return ((recent.length - 1) * 60_000) / span;
}
