// DOM helpers both widgets build their views with: elements with text, never HTML.

/** A DOM element with a class and text (textContent, never HTML). */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

/** A widget's root: focusable, a labelled group, JupyterLab's shortcuts kept out of it. */
export function widgetRoot(className, label) {
  const root = el("div", className);
  root.tabIndex = 0;
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  root.setAttribute("role", "group");
  root.setAttribute("aria-label", label);
  return root;
}
