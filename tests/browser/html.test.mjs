// Every generated page passes the Nu HTML Checker (npm `vnu-jar`, run on the machine's Java)
// with 0 errors. The stylesheet and any SVG in the theme are checked too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { createRequire } from "node:module";
import { buildSite } from "./lib.mjs";

const require = createRequire(import.meta.url);
const VNU_JAR = require("vnu-jar"); // the path of vnu.jar
const JAVA = process.env.JAVA_BIN || "java";

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

test("every generated page is valid HTML (Nu HTML Checker, 0 errors)", { timeout: 180_000 }, () => {
  const site = buildSite();
  const files = walk(site).filter((f) => /\.(html|css|svg)$/.test(f) && !f.includes("/search/"));
  const html = files.filter((f) => f.endsWith(".html"));
  assert.ok(html.length >= 80, `expected the whole bundled site, found ${html.length} HTML files`);
  const r = spawnSync(JAVA, ["-Xss2m", "-jar", VNU_JAR, "--format", "json", "--errors-only", "--also-check-css", "--also-check-svg", ...files], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.ok(r.stderr, `vnu printed nothing (exit ${r.status}, ${r.error || ""}): is Java installed?`);
  const messages = JSON.parse(r.stderr).messages.filter((m) => m.type === "error" || m.subType === "fatal");
  // One line per distinct error, with the first file it occurs in and how many files share it.
  const distinct = new Map();
  for (const m of messages) {
    const key = `${m.message} | ${(m.extract || "").replace(/\s+/g, " ").trim()}`;
    const where = `${relative(site, new URL(m.url).pathname)}:${m.lastLine}`;
    const d = distinct.get(key) || { where, count: 0 };
    d.count += 1;
    distinct.set(key, d);
  }
  const report = [...distinct].map(([key, d]) => `${d.where} (${d.count}×): ${key}`);
  assert.deepEqual(report, [], `${messages.length} HTML errors in ${files.length} files`);
  console.log(`vnu: ${files.length} files (${html.length} HTML), 0 errors`);
});
