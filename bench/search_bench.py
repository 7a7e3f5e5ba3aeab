#!/usr/bin/env python3
"""Search benchmark: medkb's search against Pagefind on the same built HTML, in one run.

For the bundled site (73 pages) and generated 1k/10k-page sites
(../shared/bench/gen_corpus.py --seed 1, converted by bench/convert_corpus.py),
it builds the site with medkb, runs Pagefind (npm package `pagefind`, from
bench/node_modules) over the same public/ folder, then measures in
headless Chromium through tests/browser/lib.mjs's plain static server (it
counts every byte it sends; no compression, as a plain static host):

* index build time: medkb's whole build (pages + search index) and Pagefind's
  indexing run (it indexes the HTML medkb already wrote);
* bytes for a first query and for a five-query session, from a cold cache
  (a fresh browser context per tool), including the search code, the wasm
  module, the index and, for Pagefind, the result fragments of 8 results
  (medkb shows 8 results with snippets);
* query latency after load, snippets included: median over the five queries
  (3 rounds), timed in the page around a search through the theme's own
  client (medkb-search.js's `loadEngine`: the wasm `medkb_search` call and its
  JSON in and out, pages already loaded) and
  around Pagefind's `search()` plus `data()` of 8 results.

Writes the "search" section of BENCHMARKS.md.

Usage: bench/search_bench.py [--pages 1000,10000] [--medkb target/release/medkb]
Needs: a release build of medkb, node 20, `npm ci` in tests/browser and `npm install` in bench, Chromium.
"""
import argparse
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import time

from benchlib import write_section

ROOT = pathlib.Path(__file__).resolve().parent.parent
GEN = ROOT.parent / "shared" / "bench" / "gen_corpus.py"
WORK = pathlib.Path(os.environ.get("MEDKB_SEARCH_BENCH_DIR", "/tmp/medkb-search-bench"))
BROWSER = ROOT / "tests" / "browser"
PAGEFIND = ROOT / "bench" / "node_modules" / ".bin" / "pagefind"

BUNDLED_QUERIES = ["shin splints", "plantar fasciitus", "heart skipping beats", "why does my hip hurt at night",
                   "calf swollen and warm"]

# Runs in node: serves the site, loads each tool in a cold browser context and
# reports bytes and latencies as JSON on stdout.
DRIVER = r"""
import { serveStatic, launch } from %(lib)s;

const [site, queriesJson] = process.argv.slice(2);
const queries = JSON.parse(queriesJson);
const server = await serveStatic(site);
const browser = await launch();
const out = {};

async function medkb() {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(`${server.base}/`);
  await page.waitForLoadState("networkidle");
  const base = server.stats.bytes;
  const marks = [];
  for (const q of queries) {
    await page.fill("#search-input", q);
    await page.waitForFunction((t) => {
      const l = document.getElementById("search-results");
      return document.getElementById("search-input").value === t && !l.hidden && l.querySelector("[role=option], .search-empty");
    }, q);
    await page.waitForTimeout(120);
    await page.waitForLoadState("networkidle");
    marks.push(server.stats.bytes - base);
  }
  // Latency after load: the theme's own client (medkb-search.js's loadEngine,
  // so this speaks whatever protocol the module speaks): the wasm call (parse,
  // search, snippets, JSON) once the pages a query needs are loaded, as in a
  // session's later queries. Importing the page's script again gives the
  // instance already loaded (same URL), so the search box is not set up twice.
  const lat = await page.evaluate(async ([queries, limit]) => {
    const script = document.querySelector('script[src*="medkb-search.js"]').src;
    const { loadEngine } = await import(script);
    const form = document.querySelector("form.site-search");
    const root = new URL(form.dataset.searchRoot || "/search/", document.baseURI);
    const engine = await loadEngine(new URL("medkb_search.wasm", script), root);
    for (const text of queries) await engine.search({ text, limit }); // loads the pages each query needs
    const times = [];
    for (let round = 0; round < 3; round++) for (const text of queries) {
      const t0 = performance.now();
      const a = await engine.search({ text, limit });
      times.push(performance.now() - t0);
      // The client answers {} on failure; a full answer always has `results`.
      if (!Array.isArray(a.results)) throw new Error(`no answer for "${text}": ${JSON.stringify(a)}`);
    }
    return times;
  }, [queries, 8]);
  await ctx.close();
  return { first: marks[0], session: marks[marks.length - 1], latencies: lat };
}

async function pagefind() {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(`${server.base}/`);
  await page.waitForLoadState("networkidle");
  const base = server.stats.bytes;
  await page.evaluate(async () => {
    window.pf = await import("/pagefind/pagefind.js");
    await window.pf.options({});
  });
  const marks = [];
  for (const q of queries) {
    await page.evaluate(async (q) => {
      const r = await window.pf.search(q);
      await Promise.all(r.results.slice(0, 8).map((x) => x.data()));
    }, q);
    await page.waitForLoadState("networkidle");
    marks.push(server.stats.bytes - base);
  }
  const lat = await page.evaluate(async (queries) => {
    const times = [];
    for (let round = 0; round < 3; round++) for (const q of queries) {
      const t0 = performance.now();
      const r = await window.pf.search(q);
      await Promise.all(r.results.slice(0, 8).map((x) => x.data()));
      times.push(performance.now() - t0);
    }
    return times;
  }, queries);
  await ctx.close();
  return { first: marks[0], session: marks[marks.length - 1], latencies: lat };
}

try {
  out.medkb = await medkb();
  out.pagefind = await pagefind();
} finally {
  await browser.close();
  await server.close();
}
console.log(JSON.stringify(out));
"""


def sh(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit(f"{' '.join(map(str, cmd))} failed:\n{r.stdout[-2000:]}{r.stderr[-2000:]}")
    return r.stdout


def timed(cmd, **kw):
    start = time.perf_counter()
    sh(cmd, **kw)
    return time.perf_counter() - start


def site_root(pages):
    if pages == 0:
        return ROOT
    neutral, site = WORK / f"gen-{pages}", WORK / f"site-{pages}"
    if not neutral.exists():
        sh([sys.executable, str(GEN), "--pages", str(pages), "--out", str(neutral), "--seed", "1"])
    if not site.exists():
        sh([sys.executable, str(ROOT / "bench" / "convert_corpus.py"), str(neutral), str(site)])
    return site


def generated_queries(site):
    """Five reader-like queries from the generated pages: aliases, a typo, a question."""
    files = sorted((site / "content" / "conditions").glob("*.md"))
    picks = [files[i * len(files) // 5] for i in range(5)]
    aliases, regions = [], []
    for f in picks:
        text = f.read_text()
        m = re.search(r'^also_called = \["([^"]+)"', text, re.M)
        aliases.append(m.group(1) if m else f.stem.replace("-", " "))
        r = re.search(r'^body_region = "([a-z]+)', text, re.M)
        regions.append(r.group(1) if r else "knee")
    words = aliases[2].split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    w = words[longest]
    words[longest] = w[:len(w) // 2] + w[len(w) // 2 + 1:]  # drop one letter: a typo
    return [aliases[0], aliases[1], " ".join(words), f"why does my {regions[3]} hurt after running",
            " ".join(aliases[4].split()[:2])]


def kb(n):
    return f"{n / 1024:,.0f} KB"


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", default="1000,10000", help="generated site sizes (the bundled site is always run)")
    ap.add_argument("--medkb", default=str(ROOT / "target" / "release" / "medkb"))
    args = ap.parse_args()
    if not PAGEFIND.exists():
        sys.exit("pagefind is missing: run `npm install` in bench/")
    WORK.mkdir(parents=True, exist_ok=True)
    pf_version = sh([str(PAGEFIND), "--version"]).strip().split()[-1]
    driver = WORK / "driver.mjs"
    driver.write_text(DRIVER % {"lib": json.dumps(str(BROWSER / "lib.mjs"))})

    rows = []
    for n in [0] + [int(x) for x in args.pages.split(",") if x]:
        root = site_root(n)
        out = WORK / f"out-{n or 'bundled'}"
        shutil.rmtree(out, ignore_errors=True)
        env = {**os.environ, "MEDKB_TODAY": "2026-11-21"}
        t_medkb = timed([args.medkb, "build", "--root", str(root), "--output", str(out / "public")], env=env)
        t_pf = timed([str(PAGEFIND), "--site", str(out / "public"), "--output-subdir", "pagefind"])
        pages = json.loads((out / "public" / "search" / "manifest.json").read_text())["docs"]
        queries = BUNDLED_QUERIES if n == 0 else generated_queries(root)
        res = json.loads(sh(["node", str(driver), str(out / "public"), json.dumps(queries)], cwd=BROWSER).strip().splitlines()[-1])
        idx = out / "public" / "search"
        index_gz = sum(f.stat().st_size for f in [idx / "head.gz", *(idx / "p").glob("*.gz")])
        rows.append((pages, t_medkb, t_pf, res, index_gz, queries))
        m, p = res["medkb"], res["pagefind"]
        print(f"{pages} pages: build {t_medkb:.2f}s vs pagefind {t_pf:.2f}s | first {kb(m['first'])} vs {kb(p['first'])} | "
              f"session {kb(m['session'])} vs {kb(p['session'])} | latency {median(m['latencies']):.1f} ms vs "
              f"{median(p['latencies']):.1f} ms", flush=True)

    body = [
        "## Search: medkb vs Pagefind",
        "",
        f"`python3 bench/search_bench.py` (headless Chromium, {os.cpu_count()} cores, Pagefind {pf_version}, "
        f"measured {time.strftime('%Y-%m-%d')}). Both tools search the same built HTML: medkb's own index from its build, "
        "Pagefind run over `public/` afterwards. Bytes are what `tests/browser/lib.mjs`'s plain static server sent "
        "(no HTTP compression; both tools ship their own gzip files) from a cold cache: search code, wasm, index and, "
        "for Pagefind, the fragments of 8 results (medkb shows 8 results with snippets). Latency is after load, "
        "snippets included, median of 15 timed queries.",
        "",
        "| pages | medkb build (pages + index) | Pagefind indexing | first query: medkb | Pagefind | "
        "5-query session: medkb | Pagefind | latency: medkb | Pagefind | medkb index, all pages (gz) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for pages, tm, tp, res, index_gz, _ in rows:
        m, p = res["medkb"], res["pagefind"]
        body.append(f"| {pages:,} | {tm:.2f} s | {tp:.2f} s | {kb(m['first'])} | {kb(p['first'])} | {kb(m['session'])} | "
                    f"{kb(p['session'])} | {median(m['latencies']):.1f} ms | {median(p['latencies']):.1f} ms | {kb(index_gz)} |")
    body += ["", "Queries: " + "; ".join(f"{pages:,} pages: " + ", ".join(f"`{q}`" for q in qs) for pages, *_, qs in rows), "",
             "Targets (issue: search): five-query-session bytes ≤ Pagefind's at 73, 1k and 10k pages; ≤ 10 ms per query "
             "after load. On first focus medkb downloads its wasm module (xz, with its 20 KB decoder), the manifest and the "
             "index's head (gzip); each query then fetches only the index pages it needs (4 KiB up to 4,096 pages, "
             "larger above: the page size adapts) (gzip, in at most three parallel rounds), each page once per session. "
             "See search-index/README.md."]
    write_section("search", "\n".join(body))


if __name__ == "__main__":
    main()
