// Offers the page in the reader's language when their browser prefers one the page is not in:
// the offer is in the page for every visitor, hidden, so the cached page is the same for all,
// and shown here only to those whose browser asks for it. It never redirects.
(function () {
  "use strict";
  var offers = {};
  document.querySelectorAll("[data-language-offer]").forEach(function (offer) {
    offers[offer.getAttribute("data-language-offer")] = offer;
  });
  var page = (document.documentElement.lang || "").toLowerCase().split("-")[0];
  var preferred = navigator.languages && navigator.languages.length
    ? navigator.languages
    : [navigator.language || ""];
  for (var i = 0; i < preferred.length; i += 1) {
    var language = preferred[i].toLowerCase().split("-")[0];
    // The first of the browser's languages the site speaks decides.
    if (language === page) {
      return;
    }
    if (offers[language]) {
      offers[language].hidden = false;
      return;
    }
  }
})();
