// Shared harness for the browser tests: build a site with the medkb binary, serve it
// with a plain static file server (no medkb code involved, as a static host would),
// and drive Debian's Chromium headless through playwright-core.
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, statSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, normalize, extname, resolve } from "node:path";
import { chromium } from "playwright-core";

export const REPO = resolve(new URL("../..", import.meta.url).pathname);
export const MEDKB = process.env.MEDKB_BIN || join(REPO, "target/release/medkb");
export const CHROMIUM = process.env.CHROMIUM_BIN || "/usr/bin/chromium";

/** Builds the site at `root` (default: the bundled knowledge base) into a fresh folder. */
export function buildSite(root = REPO) {
  const out = mkdtempSync(join(tmpdir(), "medkb-browser-"));
  const r = spawnSync(MEDKB, ["build", "--root", root, "--output", join(out, "public")], {
    encoding: "utf8",
    env: { ...process.env, MEDKB_TODAY: "2026-11-21" },
  });
  if (r.status !== 0) throw new Error(`medkb build failed (${r.status}):\n${r.stderr}`);
  return join(out, "public");
}

const TYPES = {
  ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".mjs": "text/javascript",
  ".json": "application/json", ".wasm": "application/wasm", ".xml": "application/xml", ".txt": "text/plain",
  ".gz": "application/gzip", ".pack": "application/octet-stream", ".svg": "image/svg+xml", ".png": "image/png",
};

/** A plain static server over `dir`, with byte-range support like any static host. Counts bytes sent. */
export async function serveStatic(dir) {
  const stats = { bytes: 0, requests: [] };
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    let path = normalize(decodeURIComponent(url.pathname));
    if (path.includes("..")) { res.writeHead(400).end(); return; }
    let file = join(dir, path);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file)) {
      res.writeHead(404, { "content-type": TYPES[".html"] });
      res.end(readFileSync(join(dir, "404.html")));
      return;
    }
    let body = readFileSync(file);
    const headers = { "content-type": TYPES[extname(file)] || "application/octet-stream", "accept-ranges": "bytes" };
    const range = req.headers.range && /bytes=(\d+)-(\d*)/.exec(req.headers.range);
    let status = 200;
    if (range) {
      const start = Number(range[1]);
      const end = range[2] ? Number(range[2]) : body.length - 1;
      headers["content-range"] = `bytes ${start}-${end}/${body.length}`;
      body = body.subarray(start, end + 1);
      status = 206;
    }
    stats.bytes += body.length;
    stats.requests.push({ path: url.pathname, bytes: body.length, range: req.headers.range || null });
    res.writeHead(status, headers);
    res.end(body);
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const base = `http://127.0.0.1:${server.address().port}`;
  return { base, stats, close: () => new Promise((ok) => server.close(ok)) };
}

/** Headless Chromium with the flags this machine needs (no background networking). */
export async function launch() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}: apt-get install chromium (scripts/test.sh does this)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
}

/** Starts `medkb serve` on `site` (a free port) and resolves with the process and its
 *  address once it prints "serving http://…" (at most 60 s). */
export function startServe(site, extraEnv = {}) {
  const server = spawn(MEDKB, ["serve", "--root", site, "--port", "0", "--today", "2026-11-21"], { env: { ...process.env, ...extraEnv } });
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error("medkb serve did not start in 60 s")), 60000);
    let out = "";
    server.stdout.on("data", (d) => {
      out += d;
      const m = /serving (http:\/\/[^\s/]+)/.exec(out);
      if (m) { clearTimeout(timer); ok({ server, base: m[1] }); }
    });
    server.on("exit", (code) => fail(new Error(`medkb serve exited with ${code}`)));
  });
}
