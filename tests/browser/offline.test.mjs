// Offline-first, in real Chromium: after one online visit the context goes offline, and the
// home page, the emergency pages, "when to see a doctor", a visited page and search over the
// saved index still work; a page never opened shows the offline page (axe: 0 violations);
// after a rebuild with changed content, the next online visit gets only the new build's
// files (every response compared byte for byte with the new build on disk) and the old
// cache is gone. A Spanish reader's first visit saves the Spanish pack (home, offline page,
// emergency pages, the Spanish index) and nothing of the English index; an English reader
// never downloads anything under /es/. A tab open across a deploy searches the new index
// (never a mix of builds), or says to reload; offline, the search says when its results
// cover only the part of a large index this device saved, and a large index under the
// site's cap is saved while the reader is idle. The site is served by a plain static
// server, as a host would.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync, statSync } from "node:fs";
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
// Sites whose index is "large": saved whole neither on install nor later (B), or only later, while idle (C).
let siteB, siteC;

function build(at = root) {
  const r = spawnSync(MEDKB, ["build", "--root", at], { encoding: "utf8", env: { ...process.env, MEDKB_TODAY: "2026-11-21" } });
  if (r.status !== 0) throw new Error(`medkb build failed (${r.status}):\n${r.stderr}`);
}

/** A copy of the bundled site with `toml` prepended to its site.toml (top-level keys), built. */
function copySite(toml = "") {
  const at = mkdtempSync(join(tmpdir(), "medkb-offline-"));
  for (const f of ["site.toml", "synonyms.toml", "content"]) {
    if (existsSync(join(REPO, f))) cpSync(join(REPO, f), join(at, f), { recursive: true });
  }
  if (toml) writeFileSync(join(at, "site.toml"), toml + "\n" + readFileSync(join(at, "site.toml"), "utf8"));
  build(at);
  return at;
}

async function serveSite(toml) {
  const at = copySite(toml);
  return { root: at, publicDir: join(at, "public"), server: await serveStatic(join(at, "public")) };
}

before(async () => {
  root = copySite();
  publicDir = join(root, "public");
  server = await serveStatic(publicDir);
  siteB = await serveSite("offline_search_install_bytes = 0\noffline_search_idle_bytes = 0");
  siteC = await serveSite("offline_search_install_bytes = 0");
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
  await siteB?.server.close();
  await siteC?.server.close();
  for (const at of [root, siteB?.root, siteC?.root]) if (at) rmSync(at, { recursive: true, force: true });
});

/** Waits until the page is controlled by an activated worker; returns its cache names. */
async function controlled(page) {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20000 });
  return page.evaluate(() => caches.keys());
}

/** Polls `check` (async, in node) until it returns true; fails with `message()` after `ms`. */
async function until(check, message, ms = 20000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(await message());
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until this origin's cache holds `path` (any query string). */
async function saved(page, path) {
  await until(
    () => page.evaluate((p) => caches.match(p, { ignoreSearch: true }).then((r) => !!r), path),
    () => `${path} was not saved for offline use`,
  );
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

/** A tab on site B under the worker, whose search has opened the current build's
 *  manifest and head but no index page: the state a deploy then catches. */
async function tabWithOldIndex() {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(siteB.server.base + VISITED);
  await controlled(page);
  await page.reload();
  await Promise.all([page.waitForResponse((r) => r.url().includes("/search/head.gz")), page.focus("#search-input")]);
  return { context, page };
}

async function axe(page) {
  await page.addScriptTag({ content: AXE_SOURCE });
  const result = await page.evaluate(() => window.axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] }));
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/** The file a static host serves for a URL path. */
function fileFor(path, dir = publicDir) {
  let file = join(dir, decodeURIComponent(path));
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
  return file;
}

test("after one online visit, the emergency pages, home, a visited page and search work offline", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const first = server.stats.requests.length;
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
  // An English reader downloads nothing of the Spanish site: no page, no index.
  const spanish = server.stats.requests.slice(first).map((r) => r.path).filter((p) => p.startsWith("/es/"));
  assert.deepEqual(spanish, [], "the English reader's visit fetched Spanish files");
  await context.close();
});

test("a Spanish reader's first visit saves the Spanish pack, and none of the English index", async () => {
  const context = await browser.newContext({ locale: "es-ES" });
  const page = await context.newPage();
  const first = server.stats.requests.length;
  await page.goto(server.base + "/es/about/");
  await controlled(page);
  for (const p of ["/es/", "/es/offline/", "/es/guides/when-to-see-a-doctor/", "/es/conditions/deep-vein-thrombosis/", "/es/search/head.gz", "/es/search/offline-saved.json"]) {
    await saved(page, p);
  }
  const english = server.stats.requests.slice(first).map((r) => r.path)
    .filter((p) => p === "/search/manifest.json" || p.startsWith("/search/head") || p.startsWith("/search/p/") || p === "/offline/");
  assert.deepEqual(english, [], "the Spanish reader fetched the English index or offline page");

  await context.setOffline(true);
  for (const path of ["/es/", "/es/guides/when-to-see-a-doctor/", "/es/conditions/deep-vein-thrombosis/"]) {
    const response = await page.goto(server.base + path);
    assert.ok(response.ok(), `${path} opens offline`);
    assert.equal(await page.getAttribute("html", "lang"), "es", `${path} is the Spanish page`);
    assert.notEqual((await page.textContent("h1")).trim(), "No tiene conexión", `${path} is the real page`);
  }
  // Spanish search over the Spanish index saved on the first visit.
  await page.focus("#search-input");
  await searchFor(page, "coagulo pantorrilla", "Trombosis venosa profunda");
  // A page never opened: the Spanish offline page, its emergency line and the Spanish saved pages.
  await page.goto(server.base + "/es/a-z/");
  assert.equal(await page.getAttribute("html", "lang"), "es");
  assert.equal((await page.textContent("h1")).trim(), "No tiene conexión");
  assert.match(await page.textContent("main .notice--emergency"), /911/);
  const listed = await page.$$eval("main a", (as) => as.map((a) => new URL(a.href).pathname));
  for (const p of ["/es/guides/when-to-see-a-doctor/", "/es/conditions/deep-vein-thrombosis/"]) assert.ok(listed.includes(p), `lists ${p}: ${listed}`);
  assert.deepEqual(await axe(page), [], "axe on the Spanish offline page");
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
  await until(
    () => page.evaluate((v) => caches.keys().then((k) => k.filter((n) => n.startsWith("medkb-")).join() === "medkb-" + v), newVersion),
    async () => `caches: ${await page.evaluate(() => caches.keys())}`,
  );
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

test("offline, a search over a large index says its results cover only what this device saved", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(siteB.server.base + EMERGENCY);
  await controlled(page);
  await saved(page, "/search/head.gz");
  await context.setOffline(true);
  await page.reload();
  await page.focus("#search-input");
  await page.fill("#search-input", "bunion");
  await page.waitForSelector("#search-results .search-note--offline", { timeout: 20000 });
  assert.match(await page.textContent("#search-results .search-note--offline"), /only the part of the index this device has saved/);
  // It does not claim that no page covers the words: it could not look.
  assert.equal(await page.$("#search-results .search-empty"), null);
  await context.close();
});

test("a large index under the site's cap is saved while the reader is idle, then search works offline in full", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(siteC.server.base + EMERGENCY);
  await controlled(page);
  // Not on install (the index is over offline_search_install_bytes = 0): later, while idle.
  await saved(page, "/search/offline-saved.json");
  const manifest = JSON.parse(readFileSync(join(siteC.publicDir, "search/manifest.json"), "utf8"));
  const files = readdirSync(join(siteC.publicDir, "search/p"));
  const cached = await page.evaluate(() => caches.keys().then((k) => caches.open(k.find((n) => n.startsWith("medkb-"))))
    .then((c) => c.keys()).then((rs) => rs.map((r) => new URL(r.url)).filter((u) => u.pathname.startsWith("/search/p/")).map((u) => u.pathname + u.search)));
  for (const f of files) assert.ok(cached.includes(`/search/p/${f}?v=${manifest.version}`), `p/${f} saved: ${cached.length} of ${files.length}`);

  await context.setOffline(true);
  await page.reload();
  await page.focus("#search-input");
  await searchFor(page, "bunion", "Bunions");
  assert.equal(await page.$("#search-results .search-note--offline"), null, "the whole index is saved: no partial-results note");
  await context.close();
});

test("a tab open across a deploy searches the new index, never a mix of builds", async () => {
  const { context, page } = await tabWithOldIndex();

  const file = join(siteB.root, "content/conditions/deep-vein-thrombosis.md");
  writeFileSync(file, readFileSync(file, "utf8").replace(/^title = "Deep Vein Thrombosis \(Blood Clot in the Calf\)"$/m, 'title = "Deep Vein Thrombosis (Zebrafinch)"'));
  build(siteB.root);
  const manifest = JSON.parse(readFileSync(join(siteB.publicDir, "search/manifest.json"), "utf8"));

  const seen = [];
  page.on("response", (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith("/search/") && url.searchParams.get("v") === manifest.version && r.status() === 200) seen.push(r);
  });
  // The query needs index pages this tab never fetched: the host now has the new build's.
  await searchFor(page, "thrombosis", "Zebrafinch");
  const titles = await page.$$eval("#search-results .search-result-title", (e) => e.map((x) => x.textContent));
  assert.ok(!titles.some((t) => t.includes("Blood Clot in the Calf")), `no old title among the results: ${titles}`);
  assert.equal(await page.$("#search-results .search-note--stale"), null);
  const mixed = [];
  for (const r of seen) {
    const body = await r.body().catch(() => null);
    if (body !== null && !body.equals(readFileSync(fileFor(new URL(r.url()).pathname, siteB.publicDir)))) mixed.push(r.url());
  }
  assert.ok(seen.some((r) => r.url().includes("/search/head.gz")), "the new head was opened");
  assert.ok(seen.some((r) => r.url().includes("/search/p/")), "pages of the new index were read");
  assert.deepEqual(mixed, [], "every search file of the new index is the new build's");
  await context.close();
});

test("when the server's manifest does not match its index pages, the search says to reload", async () => {
  const { context, page } = await tabWithOldIndex();
  // A deploy caught half-way: new index pages, the old manifest still published.
  const manifestFile = join(siteB.publicDir, "search/manifest.json");
  const oldManifest = readFileSync(manifestFile);
  const file = join(siteB.root, "content/conditions/deep-vein-thrombosis.md");
  writeFileSync(file, readFileSync(file, "utf8").replace(/^title = "Deep Vein Thrombosis \([^)]*\)"$/m, 'title = "Deep Vein Thrombosis (Kingfisher)"'));
  build(siteB.root);
  writeFileSync(manifestFile, oldManifest);
  await page.fill("#search-input", "thrombosis");
  await page.waitForSelector("#search-results .search-note--stale", { timeout: 20000 });
  assert.match(await page.textContent("#search-results .search-note--stale"), /Reload the page/);
  assert.deepEqual(await page.$$eval("#search-results .search-result-title", (e) => e.map((x) => x.textContent)), [], "no results of a mixed index");
  await context.close();
});
