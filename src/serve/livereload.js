// medkb serve: live reload and the error overlay. Injected into HTML by `medkb serve`
// only; `medkb build` output never contains it.
(function () {
  "use strict";
  var me = document.currentScript;
  var page = (me && me.getAttribute("data-page")) || "";
  var scrollKey = "medkb-scroll:" + location.pathname;
  var seenVersion = null;
  var host = null;
  // The overlay's words in the page's language: the theme's js_overlay_* strings, which
  // pages of a site with several languages carry on their search form (data-strings).
  var T = { js_overlay_label: "medkb build errors", js_overlay_hide: "hide", js_overlay_error: "error", js_overlay_errors: "errors",
    js_overlay_cannot_build: "the site cannot be built",
    js_overlay_text: "This tab shows the last good version. Fix the file and save: this message goes away by itself." };
  try {
    var carrier = document.querySelector("form.site-search[data-strings]");
    var given = carrier ? JSON.parse(carrier.getAttribute("data-strings")) : {};
    for (var k in given) if (k.indexOf("js_overlay_") === 0) T[k] = given[k];
  } catch (e) { /* keep English */ }

  // Back where the reader was after a reload.
  try {
    var saved = sessionStorage.getItem(scrollKey);
    if (saved !== null) {
      sessionStorage.removeItem(scrollKey);
      var restore = function () { window.scrollTo(0, parseFloat(saved) || 0); };
      if (document.readyState === "complete") restore(); else window.addEventListener("load", restore);
    }
  } catch (e) { /* storage off: reload to the top */ }

  function reload() {
    try { sessionStorage.setItem(scrollKey, String(window.scrollY)); } catch (e) { /* ignore */ }
    location.reload();
  }

  function swapCss(hrefs, version) {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    var swapped = 0;
    for (var i = 0; i < links.length; i++) {
      var url = new URL(links[i].href, location.href);
      if (url.origin === location.origin && hrefs.indexOf(url.pathname) !== -1) {
        url.searchParams.set("medkb", String(version));
        links[i].href = url.pathname + url.search;
        swapped++;
      }
    }
    return swapped;
  }

  function hideOverlay() {
    if (host) { host.remove(); host = null; }
  }

  function showOverlay(errors) {
    hideOverlay();
    host = document.createElement("medkb-overlay");
    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    var style = document.createElement("style");
    style.textContent =
      ":host{all:initial}" +
      ".bg{position:fixed;inset:0;z-index:2147483647;background:rgba(20,20,24,.86);overflow:auto;font:14px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:#eee}" +
      ".box{max-width:960px;margin:4vh auto;background:#1e1e24;border-top:4px solid #e5484d;padding:16px 20px;border-radius:6px}" +
      "h1{font:600 16px system-ui,sans-serif;margin:0 0 4px;color:#ff8589}" +
      "p{font:13px system-ui,sans-serif;margin:0 0 12px;color:#bbb}" +
      "pre{white-space:pre-wrap;margin:0 0 12px;padding:10px;background:#111;border-radius:4px;overflow:auto}" +
      "button{float:right;font:13px system-ui,sans-serif;background:none;color:#bbb;border:1px solid #555;border-radius:4px;cursor:pointer}";
    var bg = document.createElement("div");
    bg.className = "bg";
    bg.setAttribute("role", "alertdialog");
    bg.setAttribute("aria-label", T.js_overlay_label);
    var box = document.createElement("div");
    box.className = "box";
    var close = document.createElement("button");
    close.textContent = T.js_overlay_hide;
    close.onclick = hideOverlay;
    var h = document.createElement("h1");
    h.textContent = "medkb: " + errors.length + " " + (errors.length === 1 ? T.js_overlay_error : T.js_overlay_errors) + " — " + T.js_overlay_cannot_build;
    var p = document.createElement("p");
    p.textContent = T.js_overlay_text;
    box.appendChild(close);
    box.appendChild(h);
    box.appendChild(p);
    errors.forEach(function (e) {
      var pre = document.createElement("pre");
      pre.textContent = e.text;
      box.appendChild(pre);
    });
    bg.appendChild(box);
    root.appendChild(style);
    root.appendChild(bg);
    (document.body || document.documentElement).appendChild(host);
  }

  function connect() {
    var es = new EventSource("/__medkb/events");
    es.addEventListener("hello", function (ev) {
      var d = JSON.parse(ev.data);
      // Reconnected after missing events (server restarted or lagged): reload to be safe.
      if (seenVersion !== null && d.version !== seenVersion) { reload(); return; }
      seenVersion = d.version;
      window.__medkbLive = d.version; // connected: tests wait for this, not for a fixed time
      if (d.errors && d.errors.length) showOverlay(d.errors); else hideOverlay();
    });
    es.addEventListener("errors", function (ev) {
      var d = JSON.parse(ev.data);
      seenVersion = d.version;
      showOverlay(d.errors);
    });
    es.addEventListener("ok", function (ev) {
      seenVersion = JSON.parse(ev.data).version;
      hideOverlay();
    });
    es.addEventListener("css", function (ev) {
      var d = JSON.parse(ev.data);
      seenVersion = d.version;
      swapCss(d.hrefs, d.version);
    });
    es.addEventListener("reload", function (ev) {
      var d = JSON.parse(ev.data);
      seenVersion = d.version;
      if (d.all || d.pages.indexOf(page) !== -1) reload();
    });
  }

  connect();
})();
