// `medkb serve` shows pages before their search index is built (issue 14, item 5):
// meanwhile the search box says search is still being prepared, and answers the
// words already typed once the index is there, without a reload.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, REPO, startServe } from "./lib.mjs";

let server, base, browser, hold;

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), "medkb-serve-search-"));
  const site = join(dir, "site");
  cpSync(join(REPO, "tests/fixtures/base"), site, { recursive: true });
  // While this file exists the preview builds no search index.
  hold = join(dir, "hold-search");
  writeFileSync(hold, "");
  ({ server, base } = await startServe(site, { MEDKB_SERVE_HOLD_SEARCH: hold }));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.kill();
});

test("the search box says the index is being prepared, then answers once it is ready", async () => {
  const tab = await browser.newPage();
  await tab.goto(base + "/conditions/calf-strain/");
  await tab.waitForFunction(() => document.querySelector("h1"));
  await tab.fill("#search-input", "calf");
  await tab.waitForFunction(() => document.querySelector("#search-results .search-indexing"), null, { timeout: 10000 });
  const said = await tab.evaluate(() => document.querySelector("#search-results").innerText);
  assert.match(said, /still being prepared/);
  assert.equal(await tab.evaluate(() => document.querySelector("#search-results").hidden), false, "the message is shown");
  rmSync(hold);
  await tab.waitForFunction(() => document.querySelectorAll("#search-results .search-result").length > 0, null, { timeout: 20000 });
  const titles = await tab.evaluate(() => [...document.querySelectorAll("#search-results .search-result-title")].map((e) => e.textContent));
  assert.ok(titles.some((t) => /calf/i.test(t)), titles.join(", "));
  assert.equal(await tab.evaluate(() => document.querySelector("#search-results .search-indexing")), null, "the message is gone");
  await tab.close();
});
