// The theme ships third-party browser code as files (no build step). Each must
// be byte-identical to the npm release pinned in package.json, so what readers
// run is what the package's authors published.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

test("xz-decompress.min.js is the published xz-decompress build", () => {
  const shipped = readFileSync(here("../../themes/default/static/search/xz-decompress.min.js"));
  const published = readFileSync(here("node_modules/xz-decompress/dist/package/xz-decompress.min.js"));
  assert.ok(shipped.equals(published), "run: cp tests/browser/node_modules/xz-decompress/dist/package/xz-decompress.min.js themes/default/static/search/");
});
