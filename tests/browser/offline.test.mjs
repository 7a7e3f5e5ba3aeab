// Offline-first, in real Chromium: after one online visit the context goes offline, and the
// home page, the emergency pages, "when to see a doctor", a visited page and search over the
// saved index still work; a page never opened shows the offline page (axe: 0 violations);
// after a rebuild with changed content, the next online visit gets only the new build's
// files (every response compared byte for byte with the new build on disk) and the old
// cache is gone. The site is served by a plain static server, as a host would.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, writeFileSync, existsSync, statSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { serveStatic, launch, REPO, MEDKB } from "./lib.mjs";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const VISITED = "/conditions/bunions/"; // no emergency red flag: cached only because it was opened
const NEVER_OPENED = "/conditions/big-toe-pain/"; // no emergency red flag, never opened
const EMERGENCY = "/conditions/deep-vein-thrombosis/";
const DOCTOR = "/guides/when-to-see-a-doctor/";

let root, publicDir, server, browser;

function build() {
  const r = spawnSync(MEDKB, ["build", "--root", root], { encoding: "utf8", env: { ...process.env, MEDKB_TODAY: "2026-11-21" } });
  if (r.status !== 0) throw new Error(`medkb build failed (${r.status}):\n${r.stderr}`);
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), "medkb-offline-"));
  for (const f of ["site.toml", "synonyms.toml", "content"]) {
    if (existsSync(join(REPO, f))) cpSync(join(REPO, f), join(root, f), { recursive: true });
  }
  build();
  publicDir = join(root, "public");
  server = await serveStatic(publicDir);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** Waits until the page is controlled by an activated worker; returns its cache names. */
async function controlled(page) {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20000 });
  return page.evaluate(() => caches.keys());
}

async function searchFor(page, text, expectTitle) {
  await page.fill("#search-input", text);
  await page.waitForFunction(
    ([t, title]) => document.getElementById("search-input").value === t
      && [...document.querySelectorAll("#search-results [role=option] .search-result-title")].some((e) => e.textContent.includes(title)),
    [text, expectTitle],
    { timeout: 20000 },
  );
}

async function axe(page) {
  await page.addScriptTag({ content: AXE_SOURCE });
  const result = await page.evaluate(() => window.axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] }));
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/** The file a static host serves for a URL path. */
function fileFor(path) {
  let file = join(publicDir, decodeURIComponent(path));
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
  return file;
}

test("after one online visit, the emergency pages, home, a visited page and search work offline", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.base + VISITED);
  const names = await controlled(page);
  assert.equal(names.filter((n) => n.startsWith("medkb-")).length, 1, `one versioned cache: ${names}`);
  // Reloaded under the worker, the visited page is in the cache too.
  await page.reload();

  await context.setOffline(true);
  for (const [path, heading] of [["/", null], [DOCTOR, null], [EMERGENCY, null], [VISITED, "Bunions"]]) {
    const response = await page.goto(server.base + path);
    assert.ok(response.ok(), `${path} opens offline`);
    const h1 = await page.textContent("h1");
    assert.notEqual(h1.trim(), "You are offline", `${path} is the real page`);
    if (heading) assert.ok(h1.includes(heading), `${path}: ${h1}`);
  }
  // Search over the saved index, on a saved page.
  await page.goto(server.base + EMERGENCY);
  await page.focus("#search-input");
  await searchFor(page, "bunion", "Bunions");

  // A page never opened: the offline page, with the emergency line and what is saved.
  await page.goto(server.base + NEVER_OPENED);
  assert.equal((await page.textContent("h1")).trim(), "You are offline");
  assert.match(await page.textContent("main .notice--emergency"), /911|emergency/i);
  const saved = await page.$$eval("main a", (as) => as.map((a) => new URL(a.href).pathname));
  for (const p of [DOCTOR, EMERGENCY]) assert.ok(saved.includes(p), `the offline page lists ${p}: ${saved}`);
  await page.waitForSelector("[data-offline-visited]:not([hidden]) a", { timeout: 10000 });
  assert.ok((await page.$$eval("[data-offline-visited] a", (as) => as.map((a) => a.textContent))).some((t) => t.includes("Bunions")));
  assert.deepEqual(await axe(page), [], "axe on the offline page");
  await context.close();
});

test("after a rebuild, the next online visit serves only the new build's files", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.base + VISITED);
  const oldNames = await controlled(page);
  await page.reload();
  await page.focus("#search-input");
  await searchFor(page, "bunion", "Bunions");

  // New content: a new word on the visited page, and a new stylesheet rule.
  const file = join(root, "content/conditions/bunions.md");
  writeFileSync(file, readFileSync(file, "utf8").replace(/^title = "Bunions"$/m, 'title = "Bunions (Hallux Valgus Zebrafinch)"'));
  build();
  const newVersion = /const VERSION = "([0-9a-f]+)"/.exec(readFileSync(join(publicDir, "sw.js"), "utf8"))[1];
  assert.ok(!oldNames.includes("medkb-" + newVersion), "the rebuild made a new version");

  const seen = [];
  page.on("response", (r) => {
    const url = new URL(r.url());
    if (url.origin === server.base && r.request().method() === "GET" && r.status() === 200) seen.push(r);
  });
  await page.goto(server.base + VISITED);
  assert.ok((await page.textContent("h1")).includes("Zebrafinch"), "the new page, not the cached one");
  await page.focus("#search-input");
  await searchFor(page, "zebrafinch", "Zebrafinch");
  // The new worker takes over and the old build's cache is dropped whole.
  await page.waitForFunction((v) => caches.keys().then((k) => k.filter((n) => n.startsWith("medkb-")).join() === "medkb-" + v), newVersion, {
    timeout: 20000, polling: 100,
  }).catch(async () => assert.fail(`caches: ${await page.evaluate(() => caches.keys())}`));
  const mixed = [];
  for (const r of seen) {
    const path = new URL(r.url()).pathname;
    const body = await r.body().catch(() => null);
    if (body === null) continue;
    if (!body.equals(readFileSync(fileFor(path)))) mixed.push(path);
  }
  assert.ok(seen.length >= 4, `responses were checked: ${seen.length}`);
  assert.deepEqual(mixed, [], "every file of the visit is the new build's");
  await context.close();
});
