// medkb search box: as-you-type search over the site's prebuilt index, run
// in the browser by medkb_search.wasm (the same Rust code as `medkb search`).
//
// Plain JS module, no build step. It binds to the theme's markup:
//   <form role="search" class="site-search" action="/a-z/" data-search-root="/search/">
//     <input id="search-input" type="search" aria-controls="search-results" aria-expanded="false">
//   </form>
//   <div id="search-results" role="listbox" hidden></div>
// Optional: data-search-region="ankle-foot" on the form limits results to a body region.
//
// Nothing is downloaded until the search box is first focused. Then, once:
// the module (medkb_search.wasm.xz, inflated by xz-decompress.min.js, both
// next to this file; medkb_search.wasm if that fails), the manifest and the
// index's head (<data-search-root>/manifest.json, head.gz). The rest of the
// index is pages (p/<n>.gz): a query that needs pages it does not have
// answers {"need": [...]}; they are fetched in parallel, handed to the
// module, and the query asked again (at most three rounds, usually one or
// two; a page is fetched once). The module exports a tiny C ABI (see
// search-index/wasm/src/lib.rs): bytes in through medkb_alloc, JSON out at
// medkb_result_ptr.

const DEBOUNCE_MS = 60;
const LIMIT = 8;

const form = document.querySelector("form.site-search");
const input = document.getElementById("search-input");
const list = document.getElementById("search-results");

if (form && input && list) setUp();

function setUp() {
  const root = new URL(form.dataset.searchRoot || "/search/", document.baseURI);
  const wasmUrl = new URL("medkb_search.wasm", import.meta.url);
  const region = form.dataset.searchRegion || null;

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  if (!list.getAttribute("aria-label")) list.setAttribute("aria-label", "Search results");

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

  function load() {
    if (!engine) {
      engine = loadEngine(wasmUrl, root).catch((err) => {
        engine = null; // allow a retry on next focus
        console.error("medkb search:", err);
        status.textContent = "Search could not be loaded. Use the A–Z index instead.";
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
      render([]);
      return;
    }
    let e;
    try {
      e = await load();
    } catch {
      return;
    }
    if (input.value !== text) return; // a newer keystroke will run
    const found = await e.search({ text, limit: LIMIT, region });
    if (input.value !== text) return; // typed on while pages loaded
    lastText = text;
    render(found);
  }

  function render(newHits) {
    hits = newHits;
    selected = -1;
    input.removeAttribute("aria-activedescendant");
    list.replaceChildren();
    hits.forEach((hit, i) => {
      const a = document.createElement("a");
      a.id = `search-result-${i}`;
      a.className = "search-result";
      a.setAttribute("role", "option");
      a.setAttribute("aria-selected", "false");
      a.tabIndex = -1;
      a.href = hit.url;
      const title = document.createElement("span");
      title.className = "search-result-title";
      title.textContent = hit.title;
      const snippet = document.createElement("span");
      snippet.className = "search-result-snippet";
      snippet.innerHTML = hit.snippet; // escaped by the engine; only <mark> is markup
      a.append(title, snippet);
      a.addEventListener("mousedown", (ev) => ev.preventDefault()); // keep focus in the box
      list.appendChild(a);
    });
    const open = input.value.trim() !== "";
    if (open && hits.length === 0) {
      const none = document.createElement("div");
      none.className = "search-empty";
      none.textContent = "No pages found. Try other words, or browse the A–Z index.";
      list.appendChild(none);
    }
    list.hidden = !open;
    input.setAttribute("aria-expanded", String(open));
    status.textContent = open
      ? hits.length === 0
        ? "No results"
        : `${hits.length} result${hits.length === 1 ? "" : "s"}, use up and down arrows to choose`
      : "";
  }

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
        window.location.assign(target.url);
      } // otherwise the form submits to its action (the A–Z index)
    } else if (ev.key === "Escape") {
      if (!list.hidden) close();
      else {
        input.value = "";
        clearTimeout(timer);
        lastText = "";
        render([]);
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

async function loadEngine(wasmUrl, root) {
  const manifest = await fetch(new URL("manifest.json", root), { cache: "no-cache" }).then((r) => ok(r).json());
  if (manifest.format !== "medkb-search/2") throw new Error(`unsupported search index ${manifest.format}`);
  const v = `?v=${encodeURIComponent(manifest.version || "")}`;
  const [instance, head] = await Promise.all([instantiate(wasmUrl), fetchBytes(new URL(manifest.head + v, root))]);
  const ex = instance.exports;
  const enc = new TextEncoder();
  const dec = new TextDecoder();

  const put = (bytes) => {
    const ptr = ex.medkb_alloc(bytes.length);
    new Uint8Array(ex.memory.buffer, ptr, bytes.length).set(bytes);
    return ptr;
  };
  const result = (len) => dec.decode(new Uint8Array(ex.memory.buffer, ex.medkb_result_ptr(), len));

  const errLen = ex.medkb_open(put(head), head.length);
  if (errLen !== 0) throw new Error(result(errLen));

  // One fetch per page per session, shared by queries that need it at once.
  const pages = new Map();
  const loadPage = (n) => {
    if (!pages.has(n)) {
      const url = new URL(manifest.page_path.replace("{n}", String(n)) + v, root);
      pages.set(
        n,
        fetchBytes(url).then(
          (bytes) => {
            if (!ex.medkb_add_page(n, put(bytes), bytes.length)) throw new Error(`${url}: not a page of this index`);
          },
          (err) => {
            pages.delete(n); // let a later query retry
            throw err;
          },
        ),
      );
    }
    return pages.get(n);
  };

  return {
    async search(query) {
      const bytes = enc.encode(JSON.stringify(query));
      try {
        for (let round = 0; round < 6; round++) {
          const answer = JSON.parse(result(ex.medkb_search(put(bytes), bytes.length)));
          if (!answer.need) return answer.hits || [];
          await Promise.all(answer.need.map(loadPage));
        }
        throw new Error("the search index kept asking for pages");
      } catch (err) {
        console.error("medkb search:", err);
        return [];
      }
    },
  };
}

async function instantiate(url) {
  // The xz copy first: a plain static host sends .wasm uncompressed, and the
  // module is most of what a first search downloads.
  try {
    const { XzReadableStream } = await loadXz(new URL("xz-decompress.min.js", url));
    const r = ok(await fetch(`${url}.xz`));
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
// Content-Encoding: gzip hand over inflated bytes: those pass through.
async function fetchBytes(url) {
  const raw = new Uint8Array(await ok(await fetch(url)).arrayBuffer());
  if (raw[0] !== 0x1f || raw[1] !== 0x8b) return raw;
  const stream = new Blob([raw]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function ok(response) {
  if (!response.ok) throw new Error(`${response.url}: HTTP ${response.status}`);
  return response;
}
