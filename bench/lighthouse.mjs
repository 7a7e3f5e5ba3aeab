#!/usr/bin/env node
// Lighthouse scores of the bundled site's pages, recorded in BENCHMARKS.md between
// <!-- lighthouse:start --> and <!-- lighthouse:end --> (other sections are kept).
//
//   cd bench && npm ci                  # once: installs lighthouse
//   cargo build --release
//   node bench/lighthouse.mjs [--runs 3] [--no-write] [--min 95]
//
// The site is built by target/release/medkb (or MEDKB_BIN) and served by a plain static
// server that gzips text like any static host; Lighthouse drives /usr/bin/chromium
// (or CHROMIUM_BIN). Each page is run in Lighthouse's default mobile mode (simulated slow 4G,
// 4x CPU slowdown) and in desktop mode; the median of the runs is recorded. Exits 1 if any
// median score is below --min (default 95).
import { createServer } from "node:http";
import { readFileSync, existsSync, statSync, writeFileSync } from "node:fs";
import { join, normalize, extname } from "node:path";
import { gzipSync } from "node:zlib";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { execFileSync } from "node:child_process";
import { buildSite, REPO, CHROMIUM } from "../tests/browser/lib.mjs";

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const RUNS = Number(opt("--runs", 3));
const MIN = Number(opt("--min", 95));
const WRITE = !args.includes("--no-write");
const PAGES = [
  ["condition", "/conditions/plantar-fasciitis/"],
  ["symptom", "/conditions/chest-pain-while-running/"],
  ["home", "/"],
];
const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"];

const testsRequire = createRequire(join(REPO, "bench/package.json"));
const lighthouse = (await import(pathToFileURL(testsRequire.resolve("lighthouse")))).default;
const chromeLauncher = await import(pathToFileURL(testsRequire.resolve("chrome-launcher")));
const lhVersion = JSON.parse(readFileSync(testsRequire.resolve("lighthouse/package.json"), "utf8")).version;

const TYPES = {
  ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".json": "application/json",
  ".wasm": "application/wasm", ".xml": "application/xml", ".txt": "text/plain", ".svg": "image/svg+xml",
  ".gz": "application/gzip", ".pack": "application/octet-stream",
};
const COMPRESS = new Set([".html", ".css", ".js", ".json", ".xml", ".txt", ".svg", ".wasm"]);

/** A static host: index.html for folders, 404.html for misses, gzip for text, cache headers. */
function serve(dir) {
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    let file = join(dir, normalize(decodeURIComponent(url.pathname)));
    if (!file.startsWith(dir)) return res.writeHead(400).end();
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    let status = 200;
    if (!existsSync(file)) [file, status] = [join(dir, "404.html"), 404];
    const ext = extname(file);
    let body = readFileSync(file);
    const headers = { "content-type": TYPES[ext] || "application/octet-stream", "cache-control": ext === ".html" ? "no-cache" : "max-age=3600" };
    if (COMPRESS.has(ext) && /\bgzip\b/.test(req.headers["accept-encoding"] || "")) {
      body = gzipSync(body);
      headers["content-encoding"] = "gzip";
    }
    res.writeHead(status, headers).end(body);
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok({ base: `http://127.0.0.1:${server.address().port}`, close: () => server.close() })));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const site = buildSite();
// Scored as readers get it: with the offline service worker on (reader.js registers it on load).
if (!existsSync(join(site, "sw.js"))) throw new Error("the site was built without its service worker (offline = false?)");
const host = await serve(site);
const chrome = await chromeLauncher.launch({
  chromePath: CHROMIUM,
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const rows = [];
let failed = false;
try {
  for (const [name, path] of PAGES) {
    for (const formFactor of ["mobile", "desktop"]) {
      const scores = Object.fromEntries(CATEGORIES.map((c) => [c, []]));
      const metrics = { fcp: [], lcp: [], tbt: [], cls: [] };
      let failedAudits = new Set();
      for (let i = 0; i < RUNS; i++) {
        const config = formFactor === "desktop" ? (await import(pathToFileURL(testsRequire.resolve("lighthouse/core/config/desktop-config.js")))).default : undefined;
        const r = await lighthouse(host.base + path, { port: chrome.port, output: "json", logLevel: "error", onlyCategories: CATEGORIES }, config);
        const lhr = r.lhr;
        if (lhr.runtimeError) throw new Error(`${path}: ${lhr.runtimeError.message}`);
        for (const c of CATEGORIES) scores[c].push(Math.round(lhr.categories[c].score * 100));
        metrics.fcp.push(lhr.audits["first-contentful-paint"].numericValue);
        metrics.lcp.push(lhr.audits["largest-contentful-paint"].numericValue);
        metrics.tbt.push(lhr.audits["total-blocking-time"].numericValue);
        metrics.cls.push(lhr.audits["cumulative-layout-shift"].numericValue);
        for (const c of CATEGORIES) {
          for (const ref of lhr.categories[c].auditRefs) {
            const a = lhr.audits[ref.id];
            if (ref.weight > 0 && a.score !== null && a.score < 1) failedAudits.add(`${c}: ${ref.id} (${a.score})`);
          }
        }
      }
      const row = { name, path, formFactor, ...Object.fromEntries(CATEGORIES.map((c) => [c, median(scores[c])])), fcp: median(metrics.fcp), lcp: median(metrics.lcp), tbt: median(metrics.tbt), cls: median(metrics.cls), failedAudits: [...failedAudits] };
      rows.push(row);
      const low = CATEGORIES.filter((c) => row[c] < MIN);
      if (low.length) failed = true;
      console.log(`${name} ${formFactor}: ${CATEGORIES.map((c) => `${c} ${row[c]}`).join(", ")}; FCP ${Math.round(row.fcp)} ms, LCP ${Math.round(row.lcp)} ms${row.failedAudits.length ? `\n  not full marks: ${row.failedAudits.join("; ")}` : ""}`);
    }
  }
} finally {
  await chrome.kill();
  host.close();
}

function chromiumVersion() {
  try {
    return execFileSync(CHROMIUM, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "Chromium";
  }
}

const table = [
  "| page | mode | performance | accessibility | best practices | SEO | FCP | LCP | TBT | CLS |",
  "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ...rows.map((r) => `| ${r.name} (\`${r.path}\`) | ${r.formFactor} | ${r.performance} | ${r.accessibility} | ${r["best-practices"]} | ${r.seo} | ${(r.fcp / 1000).toFixed(1)} s | ${(r.lcp / 1000).toFixed(1)} s | ${Math.round(r.tbt)} ms | ${r.cls.toFixed(3)} |`),
];
const body = [
  "## Lighthouse",
  "",
  `Lighthouse ${lhVersion} with ${chromiumVersion()}, median of ${RUNS} runs per row, on the bundled site built by`,
  "`target/release/medkb` with the offline service worker on (`sw.js` registered by every page on load), served",
  "locally with gzip (as a static host would). Mobile is Lighthouse's default",
  "(simulated slow 4G, 4× CPU slowdown); desktop uses its desktop preset. Target: ≥ 95 in every category.",
  "Rerun with `cd bench && npm ci && cd .. && node bench/lighthouse.mjs --runs 3` (after `cargo build --release`).",
  "",
  ...table,
].join("\n");

if (WRITE) {
  const path = join(REPO, "BENCHMARKS.md");
  let text = existsSync(path) ? readFileSync(path, "utf8") : "# Benchmarks\n\nEvery figure here is produced by a script in `bench/`; rerun it to refresh its section.\n";
  const [start, end] = ["<!-- lighthouse:start -->", "<!-- lighthouse:end -->"];
  const block = `${start}\n${body}\n${end}`;
  text = text.includes(start) ? text.split(start)[0] + block + text.split(start)[1].split(end).slice(1).join(end) : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(path, text);
  console.log(`wrote the lighthouse section of ${path}`);
} else {
  console.log(body);
}
process.exit(failed ? 1 : 0);
