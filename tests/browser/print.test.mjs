// The printable leaflet, printed by real Chromium: the PDF's text (care cards before the
// body, review dates, the page's address, no navigation, search or footer), A4 and Letter,
// a screenshot of the first printed page under target/print/ for review, the QR code
// decoded back to the page's address, and `?print` and the Print button opening the dialog.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { buildSite, serveStatic, launch, REPO } from "./lib.mjs";

const require = createRequire(import.meta.url);
const JSQR = require.resolve("jsqr/dist/jsQR.js");
const OUT = join(REPO, "target/print");
const PAGE = "/conditions/back-of-knee-pain/";
const PERMALINK = "https://example.org" + PAGE;
const SITE_TOML = readFileSync(join(REPO, "site.toml"), "utf8");

let server, browser;
before(async () => {
  server = await serveStatic(buildSite());
  browser = await launch();
  mkdirSync(OUT, { recursive: true });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** Every text item of a PDF, page after page, as one string. */
async function pdfText(bytes) {
  const doc = await getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, useSystemFonts: false }).promise;
  const parts = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const content = await (await doc.getPage(n)).getTextContent();
    parts.push(content.items.map((i) => i.str).join(" "));
  }
  return { pages: doc.numPages, text: parts.join("\n").replace(/\s+/g, " ") };
}

test("a condition page prints as a leaflet on A4 and Letter", async () => {
  const page = await browser.newPage({ viewport: { width: 794, height: 1123 } });
  await page.goto(server.base + PAGE);
  const firstSection = await page.locator("main .section h2").first().textContent();
  const cardHeading = await page.locator("main .get-help .care-card__action").first().textContent();
  await page.emulateMedia({ media: "print" });
  await page.screenshot({ path: join(OUT, "condition-first-page.png") });
  for (const format of ["A4", "Letter"]) {
    const pdf = await page.pdf({ format, printBackground: true });
    writeFileSync(join(OUT, `condition-${format}.pdf`), pdf);
    const { text, pages } = await pdfText(pdf);
    assert.ok(pages >= 1 && pages <= 6, `${format}: ${pages} pages`);
    const title = text.indexOf("Pain Behind the Knee");
    const cards = text.indexOf(cardHeading.trim());
    const body = text.indexOf(firstSection.trim());
    assert.ok(title >= 0 && cards > title, `${format}: the title comes first, then the care cards (${title}, ${cards})`);
    assert.ok(body > cards, `${format}: care cards (${cards}) come before the body (${body})`);
    assert.match(text, /(Page last reviewed|Last checked against sources):? \d{1,2} \w+ 20\d\d/, `${format}: review date`);
    assert.match(text, /Next review due:? \d{1,2} \w+ 20\d\d/, `${format}: next review date`);
    assert.match(text, /Page version [0-9a-f]{8}/, `${format}: version`);
    assert.ok(text.includes(PERMALINK), `${format}: the page's address is printed`);
    assert.ok(text.includes(/^title = "([^"]+)"/m.exec(SITE_TOML)[1]), `${format}: the site's name`);
    for (const clutter of ["Skip to main content", "Search conditions and symptoms", "About this site", "Print this page", "On this page"]) {
      assert.ok(!text.includes(clutter), `${format}: "${clutter}" is not printed`);
    }
  }
  await page.close();
});

test("the leaflet's QR code decodes to the page's address", async () => {
  const page = await browser.newPage();
  await page.goto(server.base + PAGE);
  await page.emulateMedia({ media: "print" });
  const png = await page.locator(".leaflet__qr svg").screenshot();
  writeFileSync(join(OUT, "qr.png"), png);
  // Decode the screenshot's pixels with jsQR, in a blank page's canvas.
  const decoder = await browser.newPage();
  await decoder.addScriptTag({ path: JSQR });
  const decoded = await decoder.evaluate(async (b64) => {
    const img = new Image();
    img.src = "data:image/png;base64," + b64;
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = img.width;
    canvas.height = img.height;
    const ctx = canvas.getContext("2d");
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, img.width, img.height);
    const code = window.jsQR(data.data, img.width, img.height);
    return code && code.data;
  }, png.toString("base64"));
  assert.equal(decoded, PERMALINK);
  await page.close();
  await decoder.close();
});

test("?print and the Print button open the print dialog; the leaflet footer is only on paper", async () => {
  const page = await browser.newPage();
  await page.addInitScript(() => {
    window.__prints = 0;
    window.print = () => { window.__prints += 1; };
  });
  await page.goto(server.base + PAGE + "?print");
  await page.waitForFunction(() => window.__prints === 1, null, { timeout: 10000 });
  await page.goto(server.base + PAGE);
  const button = page.getByRole("button", { name: "Print this page" });
  await button.waitFor({ state: "visible", timeout: 10000 });
  assert.equal(await page.evaluate(() => window.__prints), 0, "no dialog without ?print");
  await button.click();
  await page.waitForFunction(() => window.__prints === 1, null, { timeout: 10000 });
  assert.equal(await page.locator(".leaflet").isVisible(), false, "the leaflet footer is hidden on screen");
  await page.close();
});
