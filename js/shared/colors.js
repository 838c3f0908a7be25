// Label colours reach a style only as CSS colours.

// The same forms as nb_label/schema.py's is_css_colour: hex, rgb()/hsl() of numbers, a name.
const HEX_COLOR = /^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;
const FUNCTION_COLOR = /^(?:rgba?|hsla?)\(\s*(?:[-+]?[0-9.]+(?:%|deg|turn|rad|grad)?[\s,/]*){3,4}\)$/i;
const NAMED_COLOR = /^[a-z]{3,20}$/i;

/**
 * `value` if it is a CSS colour, else null. The kernel checks label colours too; this keeps a
 * `url(...)` (which the card's CSS would fetch) or a `var(...)` off the page whatever sent it.
 */
export function safeColor(value) {
  if (typeof value !== "string") return null;
  const text = value.trim();
  if (!(HEX_COLOR.test(text) || FUNCTION_COLOR.test(text) || NAMED_COLOR.test(text))) return null;
  const css = globalThis.CSS;
  if (css && typeof css.supports === "function" && !css.supports("color", text)) return null;
  return text;
}
