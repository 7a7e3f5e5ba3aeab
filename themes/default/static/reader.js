// medkb: reader features that need script, none of which a page depends on.
// - "Print this page" and `?print`: open the print dialog (the leaflet layout is print CSS).
// - The offline service worker (registered in the built site only, see below), and
//   the offline page's list of the pages this device has saved; when the reader is idle
//   and online it tells the worker, which may then save the rest of the search index.
(function () {
  "use strict";

  function openPrintDialog() { window.print(); }

  function setUpPrinting() {
    var buttons = document.querySelectorAll("[data-print]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].classList.remove("print-button--waiting");
      buttons[i].addEventListener("click", openPrintDialog);
    }
    // `?print` on a page with a leaflet (a link from a clinic system, say) opens the dialog once loaded.
    if (buttons.length && new URLSearchParams(location.search).has("print")) {
      if (document.readyState === "complete") openPrintDialog(); else window.addEventListener("load", openPrintDialog);
    }
  }

  // The offline worker: only in the built site. `medkb serve` adds its live-reload
  // script to every page it serves, and a preview must never be cached.
  var me = document.currentScript;
  var worker = me && me.getAttribute("data-service-worker");
  function registerWorker() {
    if (!worker || !("serviceWorker" in navigator)) return;
    if (document.querySelector('script[src^="/__medkb/"]')) return;
    navigator.serviceWorker.register(worker, { scope: "/", updateViaCache: "none" }).catch(function (e) {
      console.warn("medkb: offline reading is not available:", e);
    });
    // Once the worker runs and the reader is idle and online (and not saving data), it may
    // save the rest of this language's search index for offline use (up to the site's cap).
    navigator.serviceWorker.ready.then(function (registration) {
      var idle = window.requestIdleCallback || function (f) { setTimeout(f, 2000); };
      idle(function () {
        var saveData = navigator.connection && navigator.connection.saveData;
        if (!navigator.onLine || saveData || !registration.active) return;
        registration.active.postMessage({ medkb: "idle", path: location.pathname });
      }, { timeout: 10000 });
    });
  }

  // On the offline page: the other pages this device has saved, by title.
  function listSavedPages() {
    var box = document.querySelector("[data-offline-visited]");
    if (!box || !window.caches) return;
    var listed = {};
    var links = document.querySelectorAll("main a[href]");
    for (var i = 0; i < links.length; i++) listed[new URL(links[i].href).pathname] = true;
    caches.keys().then(function (names) {
      var mine = names.filter(function (n) { return n.indexOf("medkb-") === 0; });
      if (!mine.length) return null;
      return caches.open(mine[0]).then(function (cache) {
        return cache.keys().then(function (requests) {
          var pages = requests.map(function (r) { return new URL(r.url); })
            .filter(function (u) { return /\/$/.test(u.pathname) && !listed[u.pathname] && !/\/offline\/$/.test(u.pathname); });
          return Promise.all(pages.map(function (u) {
            return cache.match(u.href).then(function (r) { return r ? r.text() : ""; }).then(function (html) {
              var m = /<title>([^<|]*)/.exec(html);
              return { url: u.pathname, title: m ? m[1].trim() : u.pathname };
            });
          }));
        });
      });
    }).then(function (pages) {
      if (!pages || !pages.length) return;
      pages.sort(function (a, b) { return a.title.localeCompare(b.title); });
      var list = box.querySelector("ul");
      pages.forEach(function (p) {
        var a = document.createElement("a");
        a.href = p.url;
        a.textContent = p.title;
        var li = document.createElement("li");
        li.appendChild(a);
        list.appendChild(li);
      });
      box.hidden = false;
    }).catch(function () { /* no cache access: the saved list above is enough */ });
  }

  function start() {
    setUpPrinting();
    registerWorker();
    listSavedPages();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
