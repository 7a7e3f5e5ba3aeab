// `medkb serve` as an author sees it: a real Chromium tab on the preview server
// reloads on save (only the tabs showing affected pages, keeping the scroll),
// shows build errors as an overlay over the last good page, clears it when the
// file is fixed, and swaps a changed stylesheet without reloading.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, REPO, startServe } from "./lib.mjs";

let server, base, browser, site;

before(async () => {
  site = join(mkdtempSync(join(tmpdir(), "medkb-serve-")), "site");
  cpSync(join(REPO, "tests/fixtures/base"), site, { recursive: true });
  ({ server, base } = await startServe(site));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.kill();
});

const page = (rel) => join(site, "content/conditions", rel);
const edit = (rel, from, to) => writeFileSync(page(rel), readFileSync(page(rel), "utf8").replace(from, to));

async function openTab(path) {
  const tab = await browser.newPage({ viewport: { width: 800, height: 300 } });
  await tab.goto(base + path);
  await tab.waitForFunction(() => document.querySelector("h1"));
  await tab.waitForFunction(() => window.__medkbLive !== undefined, null, { timeout: 20000 }); // the live-reload stream connected
  await tab.evaluate(() => { window.__sameDocument = true; });
  return tab;
}

test("a saved page reloads its tab at the same scroll position; other tabs stay", async () => {
  const calf = await openTab("/conditions/calf-strain/");
  const shin = await openTab("/conditions/shin-splints/");
  await calf.evaluate(() => window.scrollTo(0, 200));
  const y = await calf.evaluate(() => window.scrollY);
  assert.ok(y > 0, "the page can scroll");
  edit("calf-strain.md", "A calf strain is a pulled calf muscle.", "A calf strain is a pulled calf muscle. Edited live.");
  await calf.waitForFunction(() => document.body.innerText.includes("Edited live."), null, { timeout: 10000 });
  assert.equal(await calf.evaluate(() => window.__sameDocument), undefined, "the tab reloaded");
  await calf.waitForFunction((want) => Math.abs(window.scrollY - want) < 2, y, { timeout: 5000 });
  await shin.waitForTimeout(500);
  assert.equal(await shin.evaluate(() => window.__sameDocument), true, "a tab showing an unaffected page did not reload");
  await calf.close();
  await shin.close();
});

test("a broken save shows the error overlay over the last good page; fixing it clears the overlay", async () => {
  const tab = await openTab("/conditions/calf-strain/");
  edit("calf-strain.md", "- urgent: you cannot walk", "- you cannot walk");
  await tab.waitForFunction(() => document.querySelector("medkb-overlay"), null, { timeout: 10000 });
  const text = await tab.evaluate(() => {
    const host = document.querySelector("medkb-overlay");
    return (host.shadowRoot || host).textContent;
  });
  assert.match(text, /calf-strain\.md:\d+:\d+: error\[red-flag-urgency\]/);
  assert.ok(await tab.evaluate(() => document.querySelector("h1").textContent.includes("Calf Strain")), "the last good page stays");
  edit("calf-strain.md", "- you cannot walk", "- urgent: you cannot walk");
  await tab.waitForFunction(() => !document.querySelector("medkb-overlay"), null, { timeout: 10000 });
  await tab.close();
});

test("a stylesheet change is swapped in without reloading the page", async () => {
  const tab = await openTab("/conditions/shin-splints/");
  mkdirSync(join(site, "static"), { recursive: true });
  const css = readFileSync(join(REPO, "themes/default/static/style.css"), "utf8");
  writeFileSync(join(site, "static/style.css"), css + "\nh1 { color: rgb(1, 2, 3); }\n");
  await tab.waitForFunction(() => getComputedStyle(document.querySelector("h1")).color === "rgb(1, 2, 3)", null, { timeout: 10000 });
  assert.equal(await tab.evaluate(() => window.__sameDocument), true, "no reload for CSS");
  await tab.close();
});

test("the preview's search starts an emergency query with the care card, linked to the flag", async () => {
  const tab = await browser.newPage();
  await tab.goto(base + "/conditions/calf-strain/");
  await tab.focus("#search-input");
  const text = "cold pale numb leg";
  await tab.fill("#search-input", text);
  await tab.waitForFunction((t) => document.getElementById("search-results").dataset.query === t, text, { timeout: 30000 });
  const first = await tab.$eval("#search-results", (l) => l.firstElementChild.className);
  assert.match(first, /search-emergency/);
  const links = await tab.$$eval("#search-results .search-emergency a", (as) => as.map((a) => a.getAttribute("href")));
  assert.ok(links.some((h) => h.startsWith("/conditions/shin-splints/")), `links: ${links}`);
  await tab.close();
});

test("the preview never registers the offline worker, though it serves the same sw.js as the build", async () => {
  const tab = await browser.newPage();
  await tab.addInitScript(() => {
    window.__registered = 0;
    const real = navigator.serviceWorker && navigator.serviceWorker.register.bind(navigator.serviceWorker);
    if (real) navigator.serviceWorker.register = (...args) => { window.__registered += 1; return real(...args); };
  });
  await tab.goto(base + "/conditions/shin-splints/");
  // The Print button is shown by the same start-up code that registers the worker.
  await tab.getByRole("button", { name: "Print this page" }).waitFor({ state: "visible", timeout: 20000 });
  assert.equal(await tab.evaluate(() => window.__registered), 0, "reader.js skipped registration under serve");
  assert.equal(await tab.evaluate(() => navigator.serviceWorker.getRegistrations().then((r) => r.length)), 0);
  const sw = await tab.evaluate(() => fetch("/sw.js").then((r) => r.status));
  assert.equal(sw, 200);
  await tab.close();
});
