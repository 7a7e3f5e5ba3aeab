// The site behind real nginx, configured by deploy/nginx.conf (the file docs/deploying.md
// describes), unprivileged on a free high port with a temporary prefix: headers (content
// types, no re-encoding of the gzip search files, cache lifetimes), the 404 page, search,
// redirects of former addresses and offline reading after one visit.
// Without nginx this file skips loudly; under CI (CI=true) a missing nginx fails it:
// scripts/test.sh installs Debian's package as it does Chromium.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { buildSite, launch, REPO } from "./lib.mjs";

const NGINX = process.env.NGINX_BIN || ["/usr/sbin/nginx", "/usr/bin/nginx"].find((p) => existsSync(p));
if (!NGINX) {
  if (process.env.CI) throw new Error("nginx is not installed, and CI must run the nginx test: apt-get install nginx-light (scripts/test.sh does)");
  console.error("!! SKIPPED: nginx is not installed, so the nginx deployment test did not run (apt-get install nginx-light)");
}
const OLD = "/conditions/hallux-valgus/";
const NEW = "/conditions/bunions/";

let nginx, base, browser, prefix;

async function freePort() {
  const s = createServer();
  await new Promise((ok) => s.listen(0, "127.0.0.1", ok));
  const port = s.address().port;
  await new Promise((ok) => s.close(ok));
  return port;
}

before(async () => {
  if (!NGINX) return;
  const root = mkdtempSync(join(tmpdir(), "medkb-nginx-site-"));
  for (const f of ["site.toml", "synonyms.toml", "content"]) {
    if (existsSync(join(REPO, f))) cpSync(join(REPO, f), join(root, f), { recursive: true });
  }
  const file = join(root, "content/conditions/bunions.md");
  writeFileSync(file, readFileSync(file, "utf8").replace(/^title = "Bunions"$/m, 'title = "Bunions"\naliases = ["hallux-valgus"]'));
  const publicDir = buildSite(root);
  prefix = mkdtempSync(join(tmpdir(), "medkb-nginx-"));
  mkdirSync(join(prefix, "tmp"));
  const port = await freePort();
  const site = readFileSync(join(REPO, "deploy/nginx.conf"), "utf8")
    .replace(/^(\s*)listen .*;$/m, `$1listen 127.0.0.1:${port};`)
    .replace(/^(\s*)root .*;$/m, `$1root ${publicDir};`);
  assert.ok(site.includes(publicDir) && site.includes(String(port)), "deploy/nginx.conf has the listen and root lines the test sets");
  writeFileSync(join(prefix, "site.conf"), site);
  const tmp = join(prefix, "tmp");
  writeFileSync(join(prefix, "nginx.conf"), `daemon off;
master_process off;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types;
  access_log off;
  client_body_temp_path ${tmp}/body; proxy_temp_path ${tmp}/proxy; fastcgi_temp_path ${tmp}/fastcgi;
  uwsgi_temp_path ${tmp}/uwsgi; scgi_temp_path ${tmp}/scgi;
  include ${prefix}/site.conf;
}
`);
  const syntax = spawnSync(NGINX, ["-t", "-p", prefix, "-c", join(prefix, "nginx.conf"), "-e", join(prefix, "error.log")], { encoding: "utf8" });
  assert.equal(syntax.status, 0, `nginx -t:\n${syntax.stderr}`);
  nginx = spawn(NGINX, ["-p", prefix, "-c", join(prefix, "nginx.conf"), "-e", join(prefix, "error.log")], { stdio: "ignore" });
  base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10000;
  for (;;) {
    try {
      if ((await fetch(base + "/")).ok) break;
    } catch (e) { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`nginx did not answer on ${base}:\n${readFileSync(join(prefix, "error.log"), "utf8")}`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
  browser = await launch();
});
after(async () => {
  await browser?.close();
  if (nginx) {
    nginx.kill("SIGTERM");
    await new Promise((ok) => (nginx.exitCode !== null ? ok() : nginx.once("exit", ok)));
  }
});

test("headers: content types, gzip files sent as stored, cache lifetimes, 404", { skip: !NGINX }, async () => {
  const manifest = await (await fetch(base + "/search/manifest.json")).json();
  const wasm = await fetch(base + "/search/medkb_search.wasm");
  assert.equal(wasm.headers.get("content-type"), "application/wasm");
  const head = await fetch(`${base}/search/${manifest.head}?v=${manifest.version}`, { headers: { "accept-encoding": "gzip" } });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get("content-encoding"), null, "the gzip search files go out as stored");
  assert.match(head.headers.get("cache-control"), /immutable/);
  const bytes = new Uint8Array(await head.arrayBuffer());
  assert.deepEqual([bytes[0], bytes[1]], [0x1f, 0x8b]);
  for (const path of ["/", NEW, "/sw.js", "/search/manifest.json"]) {
    assert.equal((await fetch(base + path)).headers.get("cache-control"), "no-cache", path);
  }
  const missing = await fetch(base + "/conditions/no-such-page/");
  assert.equal(missing.status, 404);
  const text = await missing.text();
  assert.ok(text.includes('role="search"') && text.includes("notice--emergency"), "the 404 page keeps search and the emergency line");
  // A Spanish reader's unknown address gets the Spanish 404 page (its own block in nginx.conf).
  const missingEs = await fetch(base + "/es/conditions/no-such-page/");
  assert.equal(missingEs.status, 404);
  const textEs = await missingEs.text();
  assert.ok(textEs.includes('<html lang="es">') && textEs.includes('data-search-root="/es/search/"'), "the Spanish 404 page");
  assert.equal((await fetch(base + "/conditions/")).status, 200);
});

test("search, a former address and offline reading work behind nginx", { skip: !NGINX }, async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(base + OLD);
  await page.waitForURL(base + NEW, { timeout: 10000 });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20000 });
  await page.focus("#search-input");
  await page.fill("#search-input", "bunion");
  await page.waitForFunction(
    () => [...document.querySelectorAll("#search-results [role=option] .search-result-title")].some((e) => e.textContent.includes("Bunions")),
    null,
    { timeout: 20000 },
  );
  await context.setOffline(true);
  const home = await page.goto(base + "/");
  assert.ok(home.ok());
  assert.notEqual((await page.textContent("h1")).trim(), "You are offline");
  await page.goto(base + "/conditions/big-toe-pain/");
  assert.equal((await page.textContent("h1")).trim(), "You are offline");
  await context.close();
});
