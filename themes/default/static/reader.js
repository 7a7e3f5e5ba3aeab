// medkb: reader features that need script, none of which a page depends on.
// - "Print this page" and `?print`: open the print dialog (the leaflet layout is print CSS).
// - The offline service worker (registered in the built site only, see below).
(function () {
  "use strict";

  function openPrintDialog() { window.print(); }

  function setUpPrinting() {
    var buttons = document.querySelectorAll("[data-print]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", openPrintDialog);
    }
    // `?print` on a page with a leaflet (a link from a clinic system, say) opens the dialog once loaded.
    if (buttons.length && new URLSearchParams(location.search).has("print")) {
      if (document.readyState === "complete") openPrintDialog(); else window.addEventListener("load", openPrintDialog);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUpPrinting); else setUpPrinting();
})();
