// The search box as a reader uses it: the bundled site built with the release
// binary (MEDKB_BIN), served by a plain static server (no medkb code), driven in
// headless Chromium. Checks lazy loading, results for lay words, typos and
// questions, keyboard use (arrows, Enter, Esc, "/"), and the no-JavaScript fallback.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { buildSite, serveStatic, launch } from "./lib.mjs";

let site, server, browser;

before(async () => {
  site = buildSite(process.env.MEDKB_SITE_ROOT || undefined); // another copy of the site, e.g. the editors' tree
  server = await serveStatic(site);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const isSearchAsset = (path) => path.startsWith("/search/") && !path.endsWith(".js");

// These tests measure what the search client itself fetches. The offline worker would
// also fetch the module, head and (small) index in the background for offline use
// (offline.test.mjs covers that), so it is blocked here.
async function openHome(context) {
  context ??= await browser.newContext({ serviceWorkers: "block" });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto(`${server.base}/`);
  return { page, errors };
}

async function resultTitles(page) {
  return page.$$eval("#search-results [role=option] .search-result-title", (els) => els.map((e) => e.textContent));
}

async function search(page, text) {
  await page.fill("#search-input", text);
  // The list says which text it answers: wait for this one's answer.
  await page.waitForFunction(
    (t) => document.getElementById("search-results").dataset.query === t && !document.getElementById("search-results").hidden,
    text,
    { timeout: 20000 },
  );
  return resultTitles(page);
}

test("nothing of the index or module is fetched before the box is focused", async () => {
  server.stats.requests.length = 0;
  const { page, errors } = await openHome();
  await page.waitForLoadState("networkidle");
  const early = server.stats.requests.filter((r) => isSearchAsset(r.path));
  assert.deepEqual(early, [], `fetched before focus: ${JSON.stringify(early)}`);
  await page.focus("#search-input");
  // Wait (bounded) for every request the assertions below are about: the head comes
  // after the manifest, the module after (or with) its decoder script.
  const searchPaths = () => server.stats.requests.filter((r) => isSearchAsset(r.path)).map((r) => r.path);
  const arrived = () => {
    const p = searchPaths();
    return p.some((x) => x.startsWith("/search/head.gz")) && p.some((x) => x.includes("medkb_search.wasm")) && p.includes("/search/manifest.json");
  };
  for (let waited = 0; waited < 20000 && !arrived(); waited += 50) {
    await page.waitForTimeout(50);
  }
  const paths = searchPaths();
  assert.ok(paths.some((p) => p.includes("medkb_search.wasm")), `module fetched on focus: ${paths}`);
  assert.ok(paths.includes("/search/manifest.json"), `manifest fetched on focus: ${paths}`);
  assert.ok(paths.some((p) => p.startsWith("/search/head.gz")), `index head fetched on focus: ${paths}`);
  assert.ok(!paths.some((p) => p.startsWith("/search/p/")), `no index page fetched before a query: ${paths}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test("lay words, medical names, typos and questions find their pages", async () => {
  const { page, errors } = await openHome();
  await page.focus("#search-input");
  const cases = [
    ["shin splints", "Shin Splints (Medial Tibial Stress Syndrome)"],
    ["throat on fire", "Burning Throat While Running"],
    ["plantar fasciitus", "Plantar Fasciitis"],
    ["heart skipping beats", "Heart Palpitations While Running"],
    ["why does my hip hurt at night", "Hip Pain After Running (Overview)"],
    ["calf swollen and warm", "Deep Vein Thrombosis (Blood Clot in the Calf)"],
  ];
  for (const [query, title] of cases) {
    const titles = await search(page, query);
    assert.ok(titles.slice(0, 3).includes(title), `${query}: want ${title} in the top 3, got ${JSON.stringify(titles)}`);
  }
  // Matched words are highlighted in the snippet.
  await search(page, "shin splints");
  const marks = await page.$$eval("#search-results mark", (els) => els.map((e) => e.textContent.toLowerCase()));
  assert.ok(marks.some((m) => m.startsWith("shin")), `highlighted: ${marks}`);
  // Nothing found: a message pointing to the A–Z index.
  await search(page, "zzqxj");
  assert.match(await page.textContent("#search-results"), /No page covers/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a query fetches only the index pages it needs, each once", async () => {
  const context = await browser.newContext({ serviceWorkers: "block" }); // cold cache, no offline worker
  server.stats.requests.length = 0;
  const { page, errors } = await openHome(context);
  await page.focus("#search-input");
  const manifest = await (await page.request.get(`${server.base}/search/manifest.json`)).json();
  const pageFiles = manifest.pages - manifest.head_pages;
  assert.ok(pageFiles > 20, `the bundled index should span many page files, has ${pageFiles}`);
  for (const q of ["shin splints", "plantar fasciitus", "shin splints"]) await search(page, q);
  const fetched = server.stats.requests.map((r) => r.path).filter((p) => p.startsWith("/search/p/"));
  assert.ok(fetched.length > 0, "queries fetch index pages");
  assert.ok(fetched.length < pageFiles / 2, `fetched ${fetched.length} of ${pageFiles} pages for two queries`);
  assert.equal(new Set(fetched).size, fetched.length, `a page fetched twice: ${fetched}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test("arrow keys and Enter open the chosen result at its section; Esc closes", async () => {
  const { page, errors } = await openHome();
  await page.focus("#search-input");
  const titles = await search(page, "calf swollen and warm");
  assert.ok(titles.length >= 2);
  const input = page.locator("#search-input");
  assert.equal(await input.getAttribute("aria-expanded"), "true");

  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowUp");
  const active = await input.getAttribute("aria-activedescendant");
  assert.equal(active, "search-result-0");
  assert.equal(await page.getAttribute("#search-result-0", "aria-selected"), "true");
  await page.keyboard.press("ArrowDown");
  const second = await page.getAttribute("#search-result-1", "href");
  assert.equal(await input.getAttribute("aria-activedescendant"), "search-result-1");

  // Esc closes the list and keeps the text; a second Esc clears it.
  await page.keyboard.press("Escape");
  assert.equal(await page.isHidden("#search-results"), true);
  assert.equal(await input.getAttribute("aria-expanded"), "false");
  assert.equal(await input.inputValue(), "calf swollen and warm");
  await page.keyboard.press("Escape");
  assert.equal(await input.inputValue(), "");

  // Enter on a chosen result goes to its URL, #anchor included.
  const titles2 = await search(page, "calf swollen and warm");
  assert.deepEqual(titles2, titles);
  const first = await page.getAttribute("#search-result-0", "href");
  assert.match(first, /^\/conditions\/deep-vein-thrombosis\/(\?highlight=[^#]*)?(#[\w-]+)?$/);
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  await Promise.all([page.waitForURL((u) => u.pathname + u.search + u.hash === second), page.keyboard.press("Enter")]);
  assert.equal(new URL(page.url()).pathname + new URL(page.url()).search + new URL(page.url()).hash, second);
  assert.deepEqual(errors, []);
  await page.close();
});

test("Enter without choosing opens the first result, at its anchor", async () => {
  const { page } = await openHome();
  await page.focus("#search-input");
  await search(page, "skipped beats with a cold sweat");
  const first = await page.getAttribute("#search-result-0", "href");
  assert.match(first, /^\/[\w-]+\/[\w-]+\/(\?highlight=[^#]*)?#[\w-]+$/, `first result links to a section: ${first}`);
  await Promise.all([page.waitForURL(`${server.base}${first}`), page.keyboard.press("Enter")]);
  const anchor = decodeURIComponent(first.split("#")[1]);
  assert.ok(await page.$(`[id="${anchor}"]`), `the page has the anchor #${anchor}`);
  await page.close();
});

test("'/' focuses the search box from anywhere on the page, but not while typing elsewhere", async () => {
  const page = await browser.newPage();
  await page.goto(`${server.base}/conditions/gout/`);
  await page.locator("body").click({ position: { x: 2, y: 2 } });
  await page.keyboard.press("/");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "search-input");
  assert.equal(await page.inputValue("#search-input"), "", "the slash is not typed into the box");
  await page.keyboard.type("gout");
  await page.waitForSelector("#search-results [role=option]");
  assert.ok((await resultTitles(page)).includes("Gout in the Big Toe"));
  // In the box itself, "/" is just a character.
  await page.keyboard.type("/");
  assert.equal(await page.inputValue("#search-input"), "gout/");
  await page.close();
});

test("a header search box works on an inner page and its results are site-absolute", async () => {
  const page = await browser.newPage();
  await page.goto(`${server.base}/guides/when-to-see-a-doctor/`);
  await page.focus("#search-input");
  const titles = await search(page, "sciatca");
  assert.ok(titles.slice(0, 3).includes("Sciatica and Nerve-Related Running Pain"), JSON.stringify(titles));
  const hrefs = await page.$$eval("#search-results [role=option]", (els) => els.map((e) => e.getAttribute("href")));
  assert.ok(hrefs.every((h) => h.startsWith("/")), JSON.stringify(hrefs));
  await page.close();
});

test("with JavaScript off, the box falls back to links to the A–Z and body regions", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  server.stats.requests.length = 0;
  await page.goto(`${server.base}/`);
  const fallback = page.locator(".search-fallback");
  assert.equal(await fallback.isVisible(), true);
  const links = await fallback.locator("a").evaluateAll((els) => els.map((e) => e.getAttribute("href")));
  assert.deepEqual(links, ["/a-z/", "/regions/"]);
  // Both targets exist, and the form itself submits to the A–Z index.
  for (const href of links) {
    const r = await page.request.get(`${server.base}${href}`);
    assert.equal(r.status(), 200, href);
  }
  assert.equal(await page.getAttribute("form.site-search", "action"), "/a-z/");
  assert.ok(!server.stats.requests.some((r) => isSearchAsset(r.path)), "no search assets without JavaScript");
  await context.close();
});

// Issue 12: what a worried reader sees.
async function answerFor(page, text) {
  await page.fill("#search-input", text);
  // The list says which text it answers: wait for this one's answer, not for a fixed time.
  await page.waitForFunction(
    (t) => document.getElementById("search-results").dataset.query === t && !document.getElementById("search-results").hidden,
    text,
    { timeout: 20000 },
  );
}

test("an emergency query starts with the emergency care card, linked to its page", async () => {
  const { page, errors } = await openHome();
  await page.focus("#search-input");
  await answerFor(page, "heart attack");
  const first = await page.$eval("#search-results", (l) => l.firstElementChild.className);
  assert.match(first, /search-emergency/);
  const heading = await page.$eval("#search-results .search-emergency-heading", (e) => e.textContent);
  assert.match(heading, /Call 911|Call 999/, "the site's care-card wording");
  const links = await page.$$eval("#search-results .search-emergency a", (as) => as.map((a) => a.getAttribute("href")));
  assert.ok(links.some((h) => h.includes("/chest-pain-while-running/")), `links: ${links}`);
  const titles = await resultTitles(page);
  assert.ok(!/Calf/.test(titles[0] || ""), `an alias never outranks the emergency page: ${titles}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a topic no page covers says so, with the A-Z, regions and the emergency line", async () => {
  const { page, errors } = await openHome();
  await page.focus("#search-input");
  await answerFor(page, "bee sting");
  const text = await page.$eval("#search-results .search-empty", (e) => e.textContent);
  assert.match(text, /No page covers “bee sting”/);
  assert.match(text, /if you think it is an emergency/);
  const hrefs = await page.$$eval("#search-results .search-empty a", (as) => as.map((a) => a.getAttribute("href")));
  assert.deepEqual(hrefs, ["/a-z/", "/regions/"]);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a misspelt word shows what was searched, with a link to the words as typed", async () => {
  const { page, errors } = await openHome();
  await page.focus("#search-input");
  await answerFor(page, "gowt ");
  const corrected = await page.$eval("#search-results .search-corrected", (e) => e.textContent);
  assert.match(corrected, /Showing results for gout/i);
  assert.match(corrected, /Search instead for "gowt "/);
  assert.equal((await resultTitles(page))[0].startsWith("Gout"), true);
  assert.deepEqual(errors, []);
  await page.close();
});

test("filters narrow results by region and page type without fetching the index again", async () => {
  const { page, errors } = await openHome();
  await page.focus("#search-input");
  await answerFor(page, "pain ");
  const before = server.stats.requests.filter((r) => r.path.startsWith("/search/head.gz")).length;
  await page.selectOption('.search-filter[data-filter="region"]', "ankle-foot");
  await page.waitForFunction(() => [...document.querySelectorAll("#search-results [role=option]")].every((a) => !/hip|knee|calf/i.test(a.href)), null, { timeout: 20000 });
  await page.selectOption('.search-filter[data-filter="page_type"]', "guide");
  await page.selectOption('.search-filter[data-filter="region"]', "");
  await page.waitForFunction(() => {
    const as = [...document.querySelectorAll("#search-results [role=option]")];
    return as.length > 0 && as.every((a) => a.pathname.startsWith("/guides/"));
  }, null, { timeout: 20000 });
  const after = server.stats.requests.filter((r) => r.path.startsWith("/search/head.gz")).length;
  assert.equal(after, before, "the head is not fetched again");
  assert.deepEqual(errors, []);
  await page.close();
});

test("the landing page highlights the searched words without changing its text, until removed", async () => {
  const { page, errors } = await openHome();
  await page.focus("#search-input");
  await answerFor(page, "plantar fasciitis");
  const href = await page.$eval("#search-results [role=option]", (a) => a.getAttribute("href"));
  assert.match(href, /[?&]highlight=/);
  const plain = await browser.newPage();
  await plain.goto(`${server.base}${href.replace(/\?[^#]*/, "")}`);
  const original = await plain.$eval("main", (m) => m.innerHTML);
  await plain.close();
  await page.goto(`${server.base}${href}`);
  await page.waitForSelector(".search-highlight-bar", { timeout: 20000 });
  const size = await page.evaluate(() => CSS.highlights.get("medkb-search")?.size || 0);
  assert.ok(size > 0, "words highlighted");
  assert.equal(await page.$eval("main", (m) => m.innerHTML), original, "the page's own content is unchanged");
  await page.click(".search-highlight-bar button");
  assert.equal(await page.evaluate(() => CSS.highlights.has("medkb-search")), false);
  assert.ok(!page.url().includes("highlight="), "the address no longer asks for a highlight");
  assert.deepEqual(errors, []);
  await page.close();
});
