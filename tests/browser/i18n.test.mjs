// A two-language site in a real browser (issue 15): the Spanish pages pass axe with no
// violations, the language switcher works from the keyboard, Spanish search finds
// Spanish pages with accents typed or not, and an English page never loads the
// Spanish index (nor a Spanish page the English one).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { buildSite, serveStatic, launch, REPO, startServe } from "./lib.mjs";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

let site, server, browser;

before(async () => {
  site = buildSite(join(REPO, "tests/fixtures/bilingual"));
  server = await serveStatic(site);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(path) {
  // Without the offline worker: its background pre-caching (the default language's pages
  // and index) is not what the search client loads.
  const context = await browser.newContext({ serviceWorkers: "block" });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto(`${server.base}${path}`);
  return { page, errors };
}

async function search(page, text) {
  await page.fill("#search-input", text);
  await page.waitForFunction(
    // The list says which text it answers (data-query): no waiting for the debounce.
    (t) => document.getElementById("search-results").dataset.query === t && !document.getElementById("search-results").hidden,
    text,
    { timeout: 10000 },
  );
  return page.$$eval("#search-results [role=option] .search-result-title", (els) => els.map((e) => e.textContent));
}

test("Spanish pages pass axe with no violations", async () => {
  for (const path of ["/es/", "/es/conditions/calf-strain/", "/es/a-z/", "/es/regions/lower-leg/", "/conditions/shin-splints/"]) {
    const { page, errors } = await open(path);
    await page.addScriptTag({ content: AXE_SOURCE });
    const violations = await page.evaluate(
      (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }).then((r) => r.violations),
      AXE_TAGS,
    );
    assert.deepEqual(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(", ")}`), [], path);
    assert.deepEqual(errors, [], path);
    await page.close();
  }
});

test("the language switcher works with the keyboard", async () => {
  const { page } = await open("/es/conditions/calf-strain/");
  assert.equal(await page.getAttribute("html", "lang"), "es");
  // Tab from the top of the page until the switcher's link has focus, then press Enter.
  let found = false;
  for (let i = 0; i < 20 && !found; i++) {
    await page.keyboard.press("Tab");
    found = await page.evaluate(() => document.activeElement?.closest(".lang-switcher") != null);
  }
  assert.ok(found, "the switcher is reachable with Tab");
  await Promise.all([page.waitForURL(`${server.base}/conditions/calf-strain/`), page.keyboard.press("Enter")]);
  assert.equal(await page.getAttribute("html", "lang"), "en-US");
  await page.close();
});

test("Spanish search finds Spanish pages with accents typed or not, from the Spanish index only", async () => {
  server.stats.requests.length = 0;
  const { page, errors } = await open("/es/conditions/calf-strain/");
  for (const q of ["distensión", "distension", "pantorrillas"]) {
    assert.deepEqual((await search(page, q)).slice(0, 1), ["Distensión de la pantorrilla"], q);
  }
  const paths = server.stats.requests.map((r) => r.path);
  assert.ok(paths.some((p) => p.startsWith("/es/search/")), JSON.stringify(paths));
  assert.ok(!paths.some((p) => p.startsWith("/search/") && !p.endsWith(".js") && !p.endsWith(".wasm") && !p.endsWith(".xz")), JSON.stringify(paths));
  assert.deepEqual(errors, []);
  await page.close();
});

test("English search never loads the Spanish index", async () => {
  server.stats.requests.length = 0;
  const { page, errors } = await open("/conditions/calf-strain/");
  assert.deepEqual((await search(page, "calf strain")).slice(0, 1), ["Calf Strain"]);
  const paths = server.stats.requests.map((r) => r.path);
  assert.ok(paths.some((p) => p === "/search/manifest.json"), JSON.stringify(paths));
  assert.ok(!paths.some((p) => p.startsWith("/es/")), JSON.stringify(paths));
  assert.deepEqual(errors, []);
  await page.close();
});

test("the bundled site's Spanish pages pass axe with no violations", async () => {
  const bundled = buildSite();
  const local = await serveStatic(bundled);
  try {
    for (const path of ["/es/", "/es/about/", "/es/conditions/chest-pain-while-running/", "/es/guides/when-to-see-a-doctor/", "/es/a-z/", "/es/symptoms/"]) {
      const page = await browser.newPage();
      const errors = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      const response = await page.goto(`${local.base}${path}`);
      assert.equal(response.status(), 200, path);
      assert.equal(await page.getAttribute("html", "lang"), "es", path);
      await page.addScriptTag({ content: AXE_SOURCE });
      const violations = await page.evaluate(
        (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }).then((r) => r.violations),
        AXE_TAGS,
      );
      assert.deepEqual(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(", ")}`), [], path);
      assert.deepEqual(errors, [], path);
      await page.close();
    }
  } finally {
    await local.close();
  }
});

test("the preview's error overlay on a Spanish page speaks Spanish", async () => {
  const root = join(mkdtempSync(join(tmpdir(), "medkb-i18n-serve-")), "site");
  cpSync(join(REPO, "tests/fixtures/bilingual"), root, { recursive: true });
  const { server: serve, base } = await startServe(root);
  try {
    const tab = await browser.newPage();
    await tab.goto(`${base}/es/conditions/calf-strain/`);
    await tab.waitForFunction(() => document.querySelector("h1"));
    // No wait for the live-reload stream: a tab that connects after the save is sent
    // the current errors on connecting.
    const file = join(root, "content/es/conditions/calf-strain.md");
    const good = readFileSync(file, "utf8");
    writeFileSync(file, good.replace("- urgente: no puede caminar", "- emergencia: no puede caminar"));
    await tab.waitForFunction(() => document.querySelector("medkb-overlay"), null, { timeout: 10000 });
    const text = await tab.evaluate(() => {
      const host = document.querySelector("medkb-overlay");
      return (host.shadowRoot || host).textContent;
    });
    assert.match(text, /no se puede generar el sitio/);
    assert.match(text, /Esta pestaña muestra la última versión correcta/);
    assert.match(text, /error\[translation-flags\]/);
    writeFileSync(file, good);
    await tab.waitForFunction(() => !document.querySelector("medkb-overlay"), null, { timeout: 10000 });
    await tab.close();
  } finally {
    serve.kill();
  }
});
