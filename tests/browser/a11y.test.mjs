// The reader's site in a real browser: every page type at phone and desktop widths, in light
// and dark mode, checked by axe-core (WCAG 2.2 A/AA), with no console errors and no request to
// any other host; keyboard-only use; print and reduced-motion styles; the weight of a
// condition page. Screenshots go to target/screenshots/ for review.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, mkdirSync, mkdtempSync, readdirSync, cpSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { gzipSync } from "node:zlib";
import { createRequire } from "node:module";
import { buildSite, serveStatic, launch, REPO } from "./lib.mjs";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const SHOTS = join(REPO, "target/screenshots");

// One page of every type the site generates.
const PAGES = [
  ["home", "/"],
  ["condition", "/conditions/plantar-fasciitis/"],
  ["symptom", "/conditions/chest-pain-while-running/"],
  ["guide", "/guides/chronic-injury-roadmap/"],
  ["when-to-see-a-doctor", "/guides/when-to-see-a-doctor/"],
  ["a-z", "/a-z/"],
  ["region", "/regions/ankle-foot/"],
  ["regions", "/regions/"],
  ["guides", "/guides/"],
  ["conditions", "/conditions/"],
  ["offline", "/offline/"],
  ["symptoms", "/symptoms/"],
  ["about", "/about/"],
  ["404", "/no-such-page/"],
];
const VIEWS = [
  { width: 375, height: 812, scheme: "light" },
  { width: 1280, height: 900, scheme: "light" },
  { width: 375, height: 812, scheme: "dark" },
  { width: 1280, height: 900, scheme: "dark" },
];

let site, server, browser, linked;

// The bundled content has no links inside care cards, so the keyboard test also uses a copy of
// it (with the same theme) where one page's urgent and routine cards link to other pages.
const CARD_LINK_PAGE = "/conditions/chest-pain-while-running/";
function buildSiteWithCardLinks() {
  const root = mkdtempSync(join(tmpdir(), "medkb-cardlinks-"));
  cpSync(join(REPO, "site.toml"), join(root, "site.toml"));
  cpSync(join(REPO, "content"), join(root, "content"), { recursive: true });
  // A copy, not a link: medkb refuses links that leave the site (they could publish any file).
  cpSync(join(REPO, "themes"), join(root, "themes"), { recursive: true });
  const file = join(root, "content/conditions/chest-pain-while-running.md");
  const text = readFileSync(file, "utf8").replace(
    /(\n- urgent: [^\n]*)/,
    "$1\n- urgent: your heart keeps racing after you stop (see [[heart-palpitations]])\n- routine: you are not sure whether to see a doctor: read [[when-to-see-a-doctor|when to see a doctor]]",
  );
  writeFileSync(file, text);
  // Its Spanish translation would now have fewer red flags than the original, which
  // medkb refuses (translation-flags): this copy tests the cards, not translations.
  rmSync(join(root, "content/es/conditions/chest-pain-while-running.md"), { force: true });
  return buildSite(root);
}

before(async () => {
  site = buildSite();
  server = await serveStatic(site);
  linked = await serveStatic(buildSiteWithCardLinks());
  browser = await launch();
  mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.close();
  await linked?.close();
});

/** A fresh page that records console errors, uncaught errors and requests to other hosts. */
async function open(view, path, extra = {}, srv = server) {
  const context = await browser.newContext({
    viewport: { width: view.width, height: view.height },
    colorScheme: view.scheme || "light",
    ...extra,
  });
  const page = await context.newPage();
  const problems = { console: [], foreign: [] };
  const own = new URL(srv.base).host;
  page.on("console", (m) => {
    const ownStatus = m.location().url === srv.base + path && /status of 404/.test(m.text());
    if (m.type() === "error" && !ownStatus) problems.console.push(`${m.text()} (${m.location().url})`);
  });
  page.on("pageerror", (e) => problems.console.push(`uncaught: ${e.message}`));
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (!["data:", "blob:"].includes(url.protocol) && url.host !== own) problems.foreign.push(r.url());
  });
  const response = await page.goto(srv.base + path, { waitUntil: "load" });
  return { context, page, problems, response };
}

async function axe(page) {
  await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }).then((r) => r.violations),
    AXE_TAGS,
  );
}

function describe(violations) {
  return violations
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.slice(0, 5).map((n) => `    ${n.target.join(" ")}: ${n.failureSummary?.split("\n").slice(1, 2).join("")}`).join("\n")}`)
    .join("\n");
}

for (const view of VIEWS) {
  const label = `${view.width}px ${view.scheme}`;
  for (const [name, path] of PAGES) {
    test(`${name} (${path}) at ${label}: axe WCAG 2.2 AA clean, no console errors, no other hosts`, async () => {
      const { context, page, problems, response } = await open(view, path);
      try {
        assert.equal(response.status(), name === "404" ? 404 : 200);
        // Load the search engine too, so its requests and errors count.
        await page.focus("#search-input");
        await page.waitForLoadState("networkidle");
        await page.evaluate(() => document.activeElement.blur());
        const violations = await axe(page);
        assert.equal(violations.length, 0, `axe found ${violations.length} violation(s):\n${describe(violations)}`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
        assert.deepEqual(problems.console, [], "console errors");
        assert.deepEqual(problems.foreign, [], "requests to other hosts");
        await page.screenshot({ path: join(SHOTS, `${name}-${view.width}${view.scheme === "dark" ? "-dark" : ""}.png`), fullPage: true });
      } finally {
        await context.close();
      }
    });
  }
}

test("no page scrolls sideways at 320px", async () => {
  const { context, page } = await open({ width: 320, height: 640 }, "/");
  try {
    for (const [name, path] of PAGES) {
      await page.goto(server.base + path);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `${name} scrolls sideways by ${overflow}px at 320px`);
    }
  } finally {
    await context.close();
  }
});

/** Presses Tab until focus leaves the page; returns what had focus each time, with its focus style. */
async function tabThrough(page, max = 400) {
  const seen = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const info = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const cs = getComputedStyle(el);
      const visible = (cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) > 0) || cs.boxShadow !== "none";
      return {
        id: el.id,
        tag: el.tagName.toLowerCase(),
        href: el.getAttribute("href"),
        text: (el.textContent || "").trim().slice(0, 60),
        inCareCard: !!el.closest(".care-card"),
        visible,
        key: el.id || `${el.tagName}:${el.getAttribute("href")}:${(el.textContent || "").trim().slice(0, 30)}`,
      };
    });
    if (!info || (seen.length && info.key === seen[0].key)) break;
    seen.push(info);
  }
  return seen;
}

for (const width of [375, 1280]) {
  test(`keyboard only at ${width}px: skip link, search box, search results and every care-card link`, async () => {
    const { context, page, problems } = await open({ width, height: 900 }, CARD_LINK_PAGE, {}, linked);
    try {
      // Every link in a card, in order: the two page links, and any safety-netting citations.
      const cardLinks = await page.$$eval(".care-card a", (as) => as.map((a) => a.getAttribute("href")));
      const pageLinks = await page.$$eval(".care-card a:not(.citation a)", (as) => as.length);
      assert.equal(pageLinks, 2, "this page has links in its care cards");
      const order = await tabThrough(page);
      assert.equal(order[0].text, "Skip to main content", "the skip link comes first");
      const search = order.findIndex((f) => f.id === "search-input");
      assert.ok(search >= 0 && search <= 8, `the search box is reached early (at tab stop ${search + 1})`);
      const reached = order.filter((f) => f.inCareCard).map((f) => f.href);
      assert.deepEqual(reached, cardLinks, "every care-card link is reached, in order");
      const invisible = order.filter((f) => !f.visible).map((f) => `${f.tag} ${f.href || f.id} "${f.text}"`);
      assert.deepEqual(invisible, [], "every focused element shows a focus indicator");

      // The skip link moves focus to the main content.
      await page.keyboard.press("Home");
      await page.evaluate(() => document.activeElement?.blur());
      await page.keyboard.press("Tab");
      await page.keyboard.press("Enter");
      assert.equal(await page.evaluate(() => document.activeElement.id), "main");

      // Search: Tab to the box, type, arrow down to a result, Enter opens it.
      await page.reload();
      for (let i = 0; i <= search; i++) await page.keyboard.press("Tab");
      assert.equal(await page.evaluate(() => document.activeElement.id), "search-input");
      await page.keyboard.type("heel pain", { delay: 20 });
      await page.waitForSelector("#search-results [role=option]", { timeout: 15_000 });
      assert.equal(await page.getAttribute("#search-input", "aria-expanded"), "true");
      await page.keyboard.press("ArrowDown");
      const active = await page.getAttribute("#search-input", "aria-activedescendant");
      assert.ok(active, "a result is selected with the arrow key");
      assert.equal(await page.getAttribute(`#${active}`, "aria-selected"), "true");
      const href = await page.getAttribute(`#${active}`, "href");
      // The result's address carries the query words (?highlight=…) for the landing highlight.
      await Promise.all([page.waitForURL((u) => u.pathname + u.search === href), page.keyboard.press("Enter")]);
      assert.deepEqual(problems.console, [], "console errors");
    } finally {
      await context.close();
    }
  });
}

test("print: care cards never split, site chrome hidden", async () => {
  const { context, page } = await open({ width: 800, height: 900 }, "/conditions/chest-pain-while-running/");
  try {
    await page.emulateMedia({ media: "print" });
    const styles = await page.evaluate(() => ({
      cards: [...document.querySelectorAll(".care-card")].map((c) => getComputedStyle(c).breakInside),
      header: getComputedStyle(document.querySelector(".site-header")).display,
      search: getComputedStyle(document.querySelector(".site-search")).display,
      review: getComputedStyle(document.querySelector(".review-box")).display,
    }));
    assert.ok(styles.cards.length > 0);
    assert.ok(styles.cards.every((b) => b === "avoid"), `break-inside: ${styles.cards}`);
    assert.equal(styles.header, "none");
    assert.equal(styles.search, "none");
    assert.notEqual(styles.review, "none", "the review dates are printed");
    await page.pdf({ path: join(SHOTS, "symptom-print.pdf") });
  } finally {
    await context.close();
  }
});

test("prefers-reduced-motion turns off smooth scrolling and animation", async () => {
  for (const reducedMotion of ["no-preference", "reduce"]) {
    const { context, page } = await open({ width: 1280, height: 900 }, "/conditions/plantar-fasciitis/", { reducedMotion });
    try {
      const behaviour = await page.evaluate(() => getComputedStyle(document.documentElement).scrollBehavior);
      assert.equal(behaviour, reducedMotion === "reduce" ? "auto" : "smooth");
    } finally {
      await context.close();
    }
  }
});

test("a condition page weighs at most 30 KB compressed (HTML + CSS, without search)", async () => {
  // Every condition page, from the files: gzip(HTML) + gzip(CSS).
  const css = gzipSync(readFileSync(join(site, "style.css")), { level: 9 }).length;
  let heaviest = { kb: 0 };
  for (const slug of readdirSync(join(site, "conditions")).filter((f) => f !== "index.html")) {
    const html = gzipSync(readFileSync(join(site, "conditions", slug, "index.html")), { level: 9 }).length;
    const kb = (html + css) / 1024;
    if (kb > heaviest.kb) heaviest = { slug, kb };
  }
  assert.ok(heaviest.kb <= 30, `${heaviest.slug}: ${heaviest.kb.toFixed(1)} KB`);
  // And as loaded: everything the heaviest page requests apart from the search assets.
  // The page itself: the offline worker's background pre-caching (offline.test.mjs) is not its weight.
  const { context, page } = await open({ width: 375, height: 812 }, `/conditions/${heaviest.slug}/`, { serviceWorkers: "block" });
  try {
    await page.waitForLoadState("networkidle");
    const requested = server.stats.requests.filter((r) => !r.path.startsWith("/search/")).map((r) => r.path);
    const files = [...new Set(requested.slice(requested.lastIndexOf(`/conditions/${heaviest.slug}/`)))];
    const bytes = files.reduce((n, p) => n + gzipSync(readFileSync(join(site, p.endsWith("/") ? `${p}index.html` : p)), { level: 9 }).length, 0);
    console.log(`heaviest condition page ${heaviest.slug}: ${(bytes / 1024).toFixed(1)} KB gzip (${files.join(", ")})`);
    assert.ok(bytes <= 30 * 1024, `${(bytes / 1024).toFixed(1)} KB`);
  } finally {
    await context.close();
  }
});
