// Former addresses in real Chromium: a page's alias answers with a redirect page that
// sends the reader on with scripting off (meta refresh), shows a visible link, and passes
// axe; the section folder /conditions/ answers with a list.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { buildSite, serveStatic, launch, REPO } from "./lib.mjs";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const OLD = "/conditions/hallux-valgus/";
const NEW = "/conditions/bunions/";

let server, browser;
before(async () => {
  const root = mkdtempSync(join(tmpdir(), "medkb-redirects-"));
  for (const f of ["site.toml", "synonyms.toml", "content"]) {
    if (existsSync(join(REPO, f))) cpSync(join(REPO, f), join(root, f), { recursive: true });
  }
  const file = join(root, "content/conditions/bunions.md");
  writeFileSync(file, readFileSync(file, "utf8").replace(/^title = "Bunions"$/m, 'title = "Bunions"\naliases = ["hallux-valgus"]'));
  server = await serveStatic(buildSite(root));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test("an old address sends the reader to the page, with scripting off", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(server.base + OLD);
  await page.waitForURL(server.base + NEW, { timeout: 10000 });
  assert.equal((await page.textContent("h1")).trim(), "Bunions");
  await context.close();
});

test("the redirect page has a visible link and passes axe", async () => {
  const page = await browser.newPage();
  // A 204 answer to the refresh keeps the redirect page in place to be checked.
  await page.route(server.base + NEW, (route) => route.fulfill({ status: 204 }));
  await page.goto(server.base + OLD);
  assert.equal(page.url(), server.base + OLD, "still on the redirect page");
  const link = page.locator("main a");
  assert.equal(await link.getAttribute("href"), NEW);
  assert.ok(await link.isVisible());
  await page.addScriptTag({ content: AXE_SOURCE });
  const result = await page.evaluate(() => window.axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] }));
  assert.deepEqual(result.violations.map((v) => v.id), []);
  await page.close();
});

test("the conditions folder answers with every condition", async () => {
  const page = await browser.newPage();
  const response = await page.goto(server.base + "/conditions/");
  assert.equal(response.status(), 200);
  assert.ok((await page.$$eval("main li > a", (as) => as.length)) > 50);
  await page.close();
});
