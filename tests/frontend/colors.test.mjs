// Label colours reach a style only as CSS colours (js/shared/common.js: safeColor).
import assert from "node:assert/strict";
import { test } from "node:test";

import { safeColor } from "../../js/shared/colors.js";

test("only CSS colours reach a style: no url(), var() or anything the CSS would fetch", () => {
  for (const ok of ["#1f77b4", "#ABC", "rgb(1, 2, 3)", "hsl(120deg 50% 50%)", "teal"]) {
    assert.equal(safeColor(ok), ok);
  }
  for (const bad of ["url(http://127.0.0.1:9/x)", "red; background: url(x)", "var(--x)",
    "rgb(1, 2, url(x))", "#12", "", null, 7]) {
    assert.equal(safeColor(bad), null, String(bad));
  }
});
