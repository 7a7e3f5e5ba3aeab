// The review dashboard (`medkb review --html DIR`) and the page's review box, in a real browser:
// axe-core (WCAG 2.2 A/AA) finds no violation in the dashboard at phone and desktop widths,
// the dashboard loads nothing from anywhere, and a page signed with `medkb review sign`
// shows its reviewer where an unsigned page shows the awaiting-review notice.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, mkdtempSync, cpSync, existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { buildSite, serveStatic, launch, MEDKB, REPO } from "./lib.mjs";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const ENV = { ...process.env, MEDKB_TODAY: "2026-11-21" };

function medkb(args) {
  const r = spawnSync(MEDKB, args, { encoding: "utf8", env: ENV });
  if (r.status !== 0) throw new Error(`medkb ${args.join(" ")} failed (${r.status}):\n${r.stderr}`);
  return r;
}

let browser, dashboard, site;

before(async () => {
  // A copy of the bundled site where one page is signed off (the bundled pages stay unsigned).
  const root = mkdtempSync(join(tmpdir(), "medkb-review-"));
  for (const part of ["site.toml", "content", "themes"]) cpSync(join(REPO, part), join(root, part), { recursive: true });
  if (existsSync(join(REPO, "synonyms.toml"))) cpSync(join(REPO, "synonyms.toml"), join(root, "synonyms.toml"));
  medkb(["review", "sign", "plantar-fasciitis", "--root", root, "--by", "Dr A. Example, GP", "--date", "2026-11-21"]);
  const out = mkdtempSync(join(tmpdir(), "medkb-dashboard-"));
  medkb(["review", "--root", root, "--html", out]);
  dashboard = await serveStatic(out);
  site = await serveStatic(buildSite(root));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await dashboard?.close();
  await site?.close();
});

for (const width of [375, 1280]) {
  test(`dashboard has no axe violations at ${width}px`, async () => {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    const requests = [];
    page.on("request", (r) => requests.push(r.url()));
    await page.goto(dashboard.base + "/");
    await page.addScriptTag({ content: AXE_SOURCE });
    const violations = await page.evaluate(
      (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }).then((r) => r.violations),
      AXE_TAGS,
    );
    assert.deepEqual(violations.map((v) => `${v.id}: ${v.nodes.length} nodes`), []);
    assert.deepEqual(requests.filter((u) => !u.startsWith(dashboard.base)), [], "the dashboard is self-contained");
    const workload = await page.locator("table").nth(1).innerText();
    assert.match(workload, /Dr A\. Example, GP/);
    await page.close();
  });
}

test("the review box shows the reviewer of a signed page and the notice on an unsigned one", async () => {
  const page = await browser.newPage();
  await page.goto(site.base + "/conditions/plantar-fasciitis/");
  const signed = await page.locator(".review-box").innerText();
  assert.match(signed, /Reviewed by Dr A\. Example, GP\./);
  assert.doesNotMatch(signed, /Awaiting clinical review/);
  const jsonld = JSON.parse(await page.locator('script[type="application/ld+json"]').first().textContent());
  assert.deepEqual(jsonld.reviewedBy, [{ "@type": "Person", name: "Dr A. Example", jobTitle: "GP" }]);
  assert.equal(jsonld.lastReviewed, "2026-11-21");
  await page.goto(site.base + "/conditions/achilles-tendon-rupture/");
  assert.match(await page.locator(".review-box").innerText(), /Awaiting clinical review/);
  await page.close();
});
