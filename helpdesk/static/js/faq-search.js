/* Search-as-you-type for the FAQ search box. Progressive enhancement: the form works without this file. */
(function () {
  "use strict";
  var form = document.querySelector("[data-live-search]");
  if (!form || !window.fetch) { return; }
  var input = form.querySelector("input[type=search]");
  var box = form.querySelector("[data-live-results]");
  var timer = null;
  var last = "";
  box.setAttribute("aria-live", "polite");

  function clear() { box.hidden = true; box.textContent = ""; }

  function show(data) {
    box.textContent = "";
    var results = data.results || [];
    if (!results.length) {
      var p = document.createElement("p");
      p.textContent = "Nog geen artikelen gevonden. Druk op Zoeken voor meer hulp.";
      box.appendChild(p);
    } else {
      var ul = document.createElement("ul");
      results.forEach(function (r) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = r.url;
        a.textContent = r.title;  /* textContent: titles are never parsed as HTML */
        if (r.lang && r.lang !== "nl") { a.lang = r.lang; }  /* WCAG 3.1.2: an English title is marked */
        li.appendChild(a);
        ul.appendChild(li);
      });
      box.appendChild(ul);
    }
    box.hidden = false;
  }

  function lookup() {
    var q = input.value.trim();
    if (q === last) { return; }
    last = q;
    if (q.length < 3) { clear(); return; }
    fetch(form.action.replace(/\/faq\/search$/, "/api/faq/search") + "?typed=1&limit=5&q=" + encodeURIComponent(q),
          { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data && input.value.trim() === q) { show(data); } })
      .catch(clear);
  }

  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(lookup, 250); });
  input.addEventListener("keydown", function (e) { if (e.key === "Escape") { clear(); } });
}());
