// medkb search box: as-you-type search over the site's prebuilt index, run
// in the browser by medkb_search.wasm (the same Rust code as `medkb search`).
//
// Plain JS module, no build step. It binds to the theme's markup:
//   <form role="search" class="site-search" action="/a-z/" data-search-root="/search/">
//     <input id="search-input" type="search" aria-controls="search-results" aria-expanded="false">
//   </form>
//   <div id="search-results" role="listbox" hidden></div>
// Optional: data-search-region="ankle-foot" on the form limits results to a body region;
// data-emergency-heading (the site's care-card wording) heads the emergency card;
// .search-filters selects (data-filter="region" / "page_type") narrow results.
//
// What a search shows, in order: the emergency card when the query names an
// emergency red flag ("Call 999 or go to A&E now if: …", each line linked to its
// page); "Showing results for …" when words were corrected, with a link to search
// the words as typed; the results; or, when no page covers the query, "No page
// covers …" with the A–Z, the body-region browse, the emergency line and any
// partial matches under "Not an exact match". Result links carry
// ?highlight=words: the landing page highlights them in place (CSS Custom
// Highlight API: the page's text and DOM are never changed) until removed.
//
// Nothing is downloaded until the search box is first focused. Then, once:
// the module (medkb_search.wasm.xz, inflated by xz-decompress.min.js, both
// next to this file; medkb_search.wasm if that fails), the manifest and the
// index's head (<data-search-root>/manifest.json, head.gz). The rest of the
// index is pages (p/<n>.gz): a query that needs pages it does not have
// answers {"need": [...]}; they are fetched in parallel, handed to the
// module, and the query asked again (at most three rounds, usually one or
// two; a page is fetched once). A page of another build (the site was
// redeployed since the manifest was read: the module refuses it) makes the
// box read the server's current manifest and head and ask again, so answers
// always come from one build's index; if that fails it says to reload.
// Offline, when the worker has not saved the whole index, it says that
// results cover only what this device has saved. The module exports a tiny C ABI (see
// search-index/wasm/src/lib.rs): bytes in through medkb_alloc, JSON out at
// medkb_result_ptr.

const DEBOUNCE_MS = 60;
const LIMIT = 8;

const form = document.querySelector("form.site-search");
const input = document.getElementById("search-input");
const list = document.getElementById("search-results");

// What the script says, in the page's language: the theme's js_* strings for that
// language when the site has several (data-strings), else these English defaults.
const T = Object.assign(
  {
    js_search_failed: "Search could not be loaded. Use the A–Z index instead.",
    js_search_indexing: "Search is still being prepared. Your results will appear in a moment.",
    js_showing_results_for: "Showing results for",
    js_search_instead: "Search instead for",
    js_no_page_covers: "No page covers",
    js_browse_the: "Browse the",
    js_az_of_conditions: "A–Z of conditions",
    js_or: "or",
    js_regions: "conditions by body region",
    js_regions_url: "/regions/",
    js_not_exact: "Not an exact match",
    js_no_page_covers_this: "No page covers this.",
    js_partial_matches: "partial matches.",
    js_result: "result",
    js_results: "results",
    js_choose: "use up and down arrows to choose",
    js_search_results: "Search results",
    js_highlighted: "Highlighted:",
    js_remove_highlight: "Remove highlight",
    js_offline_partial: "You are offline: search covers only the part of the index this device has saved, so some pages may be missing.",
    js_search_updated: "This site was updated while the page was open. Reload the page to search the new version.",
    care_heading_end: " if:",
    care_heading_now: " now",
    emergency_footer: "if you think it is an emergency.",
  },
  JSON.parse(form?.dataset.strings || "{}"),
);

if (form && input && list) setUp();
highlightLanding();

function setUp() {
  const root = new URL(form.dataset.searchRoot || "/search/", document.baseURI);
  const wasmUrl = new URL("medkb_search.wasm", import.meta.url);
  const fixedRegion = form.dataset.searchRegion || null;
  const emergencyHeading = form.dataset.emergencyHeading || "Call 999 or go to A&E now if:";
  const filters = form.querySelector(".search-filters");
  const filterValue = (name) => form.querySelector(`.search-filter[data-filter="${name}"]`)?.value || null;

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  if (!list.getAttribute("aria-label")) list.setAttribute("aria-label", T.js_search_results);

  // Announces result counts and loading problems to screen readers.
  const status = document.createElement("div");
  status.setAttribute("role", "status");
  status.className = "search-status";
  status.style.cssText =
    "position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap";
  form.appendChild(status);

  let engine = null; // Promise<{search(text): hits[]}>
  let hits = [];
  let selected = -1;
  let timer = 0;
  let lastText = null;

  let retry = 0;
  function load() {
    if (!engine) {
      engine = loadEngine(wasmUrl, root).catch((err) => {
        engine = null; // allow a retry on next focus
        if (err.indexing) {
          // `medkb serve` shows pages before their search index is built: say so, and
          // answer the words in the box once the index is there.
          status.textContent = T.js_search_indexing;
          if (input.value.trim()) {
            list.replaceChildren(el("p", "search-indexing", T.js_search_indexing));
            list.dataset.query = "";
            open();
          }
          clearTimeout(retry);
          retry = setTimeout(() => {
            lastText = null;
            if (input.value.trim()) run();
            else load().catch(() => {});
          }, err.retryAfter * 1000);
          throw err;
        }
        console.error("medkb search:", err);
        status.textContent = T.js_search_failed;
        throw err;
      });
    }
    return engine;
  }

  async function run() {
    const text = input.value;
    if (text === lastText) {
      // Same text as shown (e.g. retyped after Esc): just show the list again.
      if (text.trim() && list.hidden) open();
      return;
    }
    if (!text.trim()) {
      lastText = text;
      render(null, text);
      return;
    }
    let e;
    try {
      e = await load();
    } catch {
      return;
    }
    if (input.value !== text) return; // a newer keystroke will run
    const region = fixedRegion || filterValue("region");
    const page_type = filterValue("page_type");
    const found = await e.search({ text, limit: LIMIT, region, page_type });
    if (input.value !== text) return; // typed on while pages loaded
    lastText = text;
    render(found, text);
  }

  const el = (tag, cls, text) => {
    const x = document.createElement(tag);
    if (cls) x.className = cls;
    if (text != null) x.textContent = text;
    return x;
  };

  // The words the engine highlighted in a snippet: what the landing page highlights.
  const marked = (snippet) => {
    const d = document.createElement("div");
    d.innerHTML = snippet;
    return [...new Set([...d.querySelectorAll("mark")].map((m) => m.textContent.trim().toLowerCase()).filter(Boolean))];
  };

  function resultLink(hit, i) {
    const a = el("a", "search-result");
    a.id = `search-result-${i}`;
    a.setAttribute("role", "option");
    a.setAttribute("aria-selected", "false");
    a.tabIndex = -1;
    const url = new URL(hit.url, document.baseURI);
    const words = marked(hit.snippet);
    if (words.length) url.searchParams.set("highlight", words.join(" "));
    a.href = url.pathname + url.search + url.hash;
    hit.href = a.getAttribute("href"); // Enter opens the same address as a click
    const snippet = el("span", "search-result-snippet");
    snippet.innerHTML = hit.snippet; // escaped by the engine; only <mark> is markup
    a.append(el("span", "search-result-title", hit.title), snippet);
    a.addEventListener("mousedown", (ev) => ev.preventDefault()); // keep focus in the box
    return a;
  }

  // The line shown with every "no page" answer, from the site's care-card wording.
  const emergencyLine = () =>
    `${emergencyHeading.replace(T.care_heading_end, "").replace(T.care_heading_now, "")} ${T.emergency_footer}`;

  function render(answer, text) {
    answer = answer || {};
    const results = answer.results || [];
    const partial = answer.partial || [];
    const emergency = answer.emergency || [];
    hits = results.length ? results : partial;
    selected = -1;
    input.removeAttribute("aria-activedescendant");
    list.replaceChildren();
    // What the list answers: lets a test (or a script) wait for the answer to a given text.
    list.dataset.query = text;
    const open = input.value.trim() !== "";
    if (filters) filters.hidden = !open;
    if (emergency.length) {
      const card = el("div", "search-emergency care-card care-card--emergency");
      card.setAttribute("role", "alert");
      card.append(el("p", "search-emergency-heading", emergencyHeading));
      const ul = el("ul");
      for (const e of emergency) {
        const li = el("li", null, e.text);
        if (e.url) {
          li.append(" ");
          const a = el("a", null, `(${e.title})`);
          a.href = e.url;
          a.addEventListener("mousedown", (ev) => ev.preventDefault());
          li.append(a);
        }
        ul.append(li);
      }
      card.append(ul);
      list.append(card);
    }
    if (answer.corrected && hits.length) {
      const p = el("p", "search-corrected", `${T.js_showing_results_for} `);
      p.append(el("strong", null, answer.corrected), ". ");
      const again = el("a", "search-original", `${T.js_search_instead} "${text}"`);
      again.href = "#";
      again.addEventListener("mousedown", (ev) => ev.preventDefault());
      again.addEventListener("click", (ev) => {
        ev.preventDefault();
        input.value = `"${text.replace(/"/g, "")}"`; // as typed: a quoted phrase is never corrected
        run();
      });
      p.append(again);
      list.append(p);
    }
    if (answer.stale) list.append(el("p", "search-note search-note--stale", T.js_search_updated));
    if (answer.offline_partial) list.append(el("p", "search-note search-note--offline", T.js_offline_partial));
    if (open && results.length === 0 && !answer.stale && !answer.incomplete) {
      const none = el("div", "search-empty");
      none.append(el("p", "search-empty-title", `${T.js_no_page_covers} “${text ?? input.value}”.`));
      const browse = el("p", null, `${T.js_browse_the} `);
      const az = el("a", null, T.js_az_of_conditions);
      az.href = form.getAttribute("action") || "/a-z/";
      const regions = el("a", null, T.js_regions);
      regions.href = T.js_regions_url;
      browse.append(az, ` ${T.js_or} `, regions, ".");
      none.append(browse, el("p", "search-emergency-line", emergencyLine()));
      list.append(none);
      if (partial.length) list.append(el("p", "search-partial-heading", T.js_not_exact));
    }
    hits.forEach((hit, i) => list.appendChild(resultLink(hit, i)));
    list.hidden = !open;
    input.setAttribute("aria-expanded", String(open));
    status.textContent = open
      ? (answer.stale ? `${T.js_search_updated} ` : "") +
        (answer.offline_partial ? `${T.js_offline_partial} ` : "") +
        (emergency.length ? `${emergencyHeading} ${emergency.map((e) => e.text).join("; ")}. ` : "") +
        (answer.stale || answer.incomplete
          ? ""
          : results.length === 0
          ? `${T.js_no_page_covers_this}${partial.length ? ` ${partial.length} ${T.js_partial_matches}` : ""}`
          : `${results.length} ${results.length === 1 ? T.js_result : T.js_results}, ${T.js_choose}`)
      : "";
  }

  form.querySelectorAll(".search-filter").forEach((f) =>
    f.addEventListener("change", () => {
      lastText = null; // same words, other filter: search again
      run();
    }),
  );

  function select(i) {
    const items = list.querySelectorAll('[role="option"]');
    if (!items.length) return;
    selected = (i + items.length) % items.length;
    items.forEach((el, j) => el.setAttribute("aria-selected", String(j === selected)));
    const el = items[selected];
    input.setAttribute("aria-activedescendant", el.id);
    el.scrollIntoView({ block: "nearest" });
  }

  function open() {
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    selected = -1;
  }

  input.addEventListener("focus", () => {
    load().catch(() => {});
    if (input.value.trim() && input.value === lastText) open();
  });

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(run, DEBOUNCE_MS);
  });

  input.addEventListener("keydown", (ev) => {
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      if (list.hidden && hits.length) open();
      select(selected + (ev.key === "ArrowDown" ? 1 : selected === -1 ? 0 : -1));
      ev.preventDefault();
    } else if (ev.key === "Enter") {
      const target = hits[selected >= 0 ? selected : 0];
      if (target && !list.hidden) {
        ev.preventDefault();
        window.location.assign(target.href || target.url);
      } // otherwise the form submits to its action (the A–Z index)
    } else if (ev.key === "Escape") {
      if (!list.hidden) close();
      else {
        input.value = "";
        clearTimeout(timer);
        lastText = "";
        render(null, "");
      }
      ev.preventDefault();
    }
  });

  document.addEventListener("keydown", (ev) => {
    if (ev.key !== "/" || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const t = ev.target;
    if (t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    ev.preventDefault();
    input.focus();
    input.select();
  });

  document.addEventListener("click", (ev) => {
    if (!form.contains(ev.target) && !list.contains(ev.target)) close();
  });
}

// Exported for bench/search_bench.py, which times the same client the page uses.
export async function loadEngine(wasmUrl, root) {
  // The module does not depend on the manifest: start both at once.
  const module = instantiate(wasmUrl);
  module.catch(() => {}); // reported below, once
  let manifest = await fetchManifest(root, "no-cache");
  const headBytes = fetchHead(manifest, root).catch(async (err) => {
    if (!(err instanceof StaleIndex)) throw err;
    // A cached manifest of a build the host no longer serves: the server's current one.
    manifest = await fetchManifest(root, "no-store");
    return fetchHead(manifest, root);
  });
  const [instance, head] = await Promise.all([module, headBytes]);
  const ex = instance.exports;
  const enc = new TextEncoder();
  const dec = new TextDecoder();

  const put = (bytes) => {
    const ptr = ex.medkb_alloc(bytes.length);
    new Uint8Array(ex.memory.buffer, ptr, bytes.length).set(bytes);
    return ptr;
  };
  const result = (len) => dec.decode(new Uint8Array(ex.memory.buffer, ex.medkb_result_ptr(), len));

  // One build's index at a time: its manifest, head and pages, never mixed with another's.
  let index = null;
  const open = (m, headBytes) => {
    const errLen = ex.medkb_open(put(headBytes), headBytes.length);
    if (errLen !== 0) throw new Error(result(errLen));
    index = { manifest: m, v: `?v=${encodeURIComponent(m.version || "")}`, pages: new Map() };
  };
  open(manifest, head);

  // One fetch per page per index, shared by queries that need it at once.
  const loadPage = (n) => {
    const at = index;
    if (!at.pages.has(n)) {
      const url = new URL(at.manifest.page_path.replace("{n}", String(n)) + at.v, root);
      at.pages.set(
        n,
        fetchBytes(url, at.manifest.version).then(
          (bytes) => {
            if (index !== at) throw new StaleIndex(); // a newer index opened meanwhile
            // The host sent another build's page: the site was updated since this index was opened.
            if (!ex.medkb_add_page(n, put(bytes), bytes.length)) throw new StaleIndex();
          },
          (err) => {
            at.pages.delete(n); // let a later query retry
            throw err instanceof TypeError ? new Unreachable(url) : err;
          },
        ),
      );
    }
    return at.pages.get(n);
  };

  // The site was redeployed while this page was open: open the current build's manifest
  // and head together. False when the server has no other version (then only a reload helps).
  const reopen = async () => {
    const m = await fetchManifest(root, "no-store");
    if (m.version === index.manifest.version) return false;
    open(m, await fetchHead(m, root));
    // The worker should move to the new build too (it takes over once installed).
    navigator.serviceWorker?.getRegistration?.().then((r) => r?.update()).catch(() => {});
    return true;
  };

  // Offline, results can miss pages whose index files this device has not saved, unless
  // the offline worker saved the whole index of this version (it writes offline-saved.json).
  const savedWhole = async () => {
    try {
      const r = await caches.match(new URL("offline-saved.json", root).href);
      return !!r && (await r.json()).version === index.manifest.version;
    } catch {
      return false;
    }
  };

  return {
    async search(query) {
      const bytes = enc.encode(JSON.stringify(query));
      let reopened = 0;
      for (;;) {
        try {
          for (let round = 0; round < 6; round++) {
            const answer = JSON.parse(result(ex.medkb_search(put(bytes), bytes.length)));
            if (!answer.need) {
              if (navigator.onLine === false && !(await savedWhole())) answer.offline_partial = true;
              return answer;
            }
            await Promise.all(answer.need.map(loadPage));
          }
          throw new Error("the search index kept asking for pages");
        } catch (err) {
          if (err instanceof Unreachable) return { offline_partial: true, incomplete: true };
          if (err instanceof StaleIndex) {
            // At most twice (a deploy during the reopen): after that, say so.
            const again = reopened++ < 2 && (await reopen().catch(() => false));
            if (again) continue;
            return { stale: true };
          }
          console.error("medkb search:", err);
          return {};
        }
      }
    },
    /** The version of the index the answers come from. */
    version: () => index.manifest.version,
  };
}

/** A page of the index that did not match it: another build's. */
class StaleIndex extends Error {
  constructor() {
    super("the search index changed on the server");
  }
}

/** A page of the index that could not be fetched at all (offline, not saved). */
class Unreachable extends Error {
  constructor(url) {
    super(`${url}: no connection and not saved on this device`);
  }
}

async function fetchManifest(root, cache) {
  const res = await fetch(new URL("manifest.json", root), { cache });
  if (res.status === 503) {
    // The preview is still building the index (a static host never answers 503 here).
    const err = new Error("the search index is still being built");
    err.indexing = true;
    err.retryAfter = Math.min(Math.max(Number(res.headers.get("Retry-After")) || 1, 0.2), 10);
    throw err;
  }
  const manifest = await ok(res).json();
  if (manifest.format !== "medkb-search/2") throw new Error(`unsupported search index ${manifest.format}`);
  return manifest;
}

function fetchHead(manifest, root) {
  return fetchBytes(new URL(`${manifest.head}?v=${encodeURIComponent(manifest.version || "")}`, root), manifest.version);
}

async function instantiate(url) {
  // The xz copy first: a plain static host sends .wasm uncompressed, and the
  // module is most of what a first search downloads.
  try {
    // The decoder script and the module's bytes in parallel, not one after the other.
    const xz = fetch(`${url}.xz`);
    xz.catch(() => {});
    const { XzReadableStream } = await loadXz(new URL("xz-decompress.min.js", url));
    const r = ok(await xz);
    const bytes = await new Response(new XzReadableStream(r.body)).arrayBuffer();
    return (await WebAssembly.instantiate(bytes, {})).instance;
  } catch {
    // no .xz copy (an overridden theme), or a host that already inflated it: use the .wasm
  }
  if (WebAssembly.instantiateStreaming) {
    try {
      return (await WebAssembly.instantiateStreaming(fetch(url), {})).instance;
    } catch {
      // Wrong MIME type on some static hosts: fall back to bytes.
    }
  }
  const bytes = await fetch(url).then((r) => ok(r).arrayBuffer());
  return (await WebAssembly.instantiate(bytes, {})).instance;
}

// xz-decompress (npm, MIT; xz-embedded in a small wasm) is a classic script
// that defines window["xz-decompress"].
function loadXz(src) {
  return new Promise((resolve, reject) => {
    if (window["xz-decompress"]) return resolve(window["xz-decompress"]);
    const s = document.createElement("script");
    s.src = src;
    s.onload = () => (window["xz-decompress"] ? resolve(window["xz-decompress"]) : reject(new Error("xz decoder missing")));
    s.onerror = () => reject(new Error(`${src}: could not load`));
    document.head.appendChild(s);
  });
}

// A gzip file's bytes, inflated. Hosts that already sent it with
// Content-Encoding: gzip hand over inflated bytes: those pass through. With
// `version`, a file whose gzip comment names another index version (another
// build's, served at the same address after a deploy) is refused.
async function fetchBytes(url, version) {
  const response = await fetch(url);
  // A file the host no longer has: this index was replaced by a deploy.
  if (version && response.status === 404) throw new StaleIndex();
  const raw = new Uint8Array(await ok(response).arrayBuffer());
  if (raw[0] !== 0x1f || raw[1] !== 0x8b) return raw;
  const comment = gzipComment(raw);
  if (version && comment !== null && comment !== version) throw new StaleIndex();
  const stream = new Blob([raw]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

// The comment field of a gzip header (RFC 1952), or null when it has none.
function gzipComment(b) {
  const flags = b[3];
  if (!(flags & 0x10)) return null;
  let i = 10;
  if (flags & 0x04) i += 2 + (b[i] | (b[i + 1] << 8)); // FEXTRA
  if (flags & 0x08) while (i < b.length && b[i++] !== 0); // FNAME
  const start = i;
  while (i < b.length && b[i] !== 0) i++;
  return new TextDecoder("latin1").decode(b.subarray(start, i));
}

function ok(response) {
  if (!response.ok) throw new Error(`${response.url}: HTTP ${response.status}`);
  return response;
}

// The landing page of a result: highlight the searched words (?highlight=a b)
// in the section the result opened, with the CSS Custom Highlight API, which
// paints ranges without touching the page's text or DOM. A "Remove highlight"
// button clears it and drops the parameter from the address.
function highlightLanding() {
  const params = new URLSearchParams(location.search);
  const words = (params.get("highlight") || "").toLowerCase().split(/\s+/).filter((w) => w.length >= 2);
  if (!words.length || !window.CSS?.highlights || typeof Highlight === "undefined") return;
  const main = document.querySelector("main") || document.body;
  let scope = main;
  const target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  if (target && main.contains(target)) scope = target.closest("section") || target.parentElement || main;
  const ranges = [];
  const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
  const pattern = new RegExp(`\\b(${words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})`, "gi");
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement?.closest("script, style, .search-highlight-bar, form")) continue;
    for (const m of node.data.matchAll(pattern)) {
      const r = new Range();
      r.setStart(node, m.index);
      r.setEnd(node, m.index + m[0].length);
      ranges.push(r);
    }
  }
  if (!ranges.length) return;
  // The highlight's colours are set here, not in style.css: `::highlight()` is newer than
  // the CSS validator the HTML tests run, and only this script draws it.
  const sheet = new CSSStyleSheet();
  sheet.replaceSync("::highlight(medkb-search) { background: #ffe066; color: #000; }");
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  CSS.highlights.set("medkb-search", new Highlight(...ranges));
  const bar = document.createElement("p");
  bar.className = "search-highlight-bar";
  bar.textContent = `${T.js_highlighted} ${words.join(", ")}. `;
  const clear = document.createElement("button");
  clear.type = "button";
  clear.textContent = T.js_remove_highlight;
  clear.addEventListener("click", () => {
    CSS.highlights.delete("medkb-search");
    bar.remove();
    params.delete("highlight");
    const q = params.toString();
    history.replaceState(history.state, "", location.pathname + (q ? `?${q}` : "") + location.hash);
  });
  bar.append(clear);
  main.before(bar); // outside the page's own content, which stays as written
}
