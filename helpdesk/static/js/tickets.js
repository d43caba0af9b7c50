// Progressive enhancement for the agent workspace: keyboard shortcuts with a help overlay (?), and inserting a
// suggested answer at the cursor without a reload. Everything works without this file (the forms post).
(function () {
  "use strict";
  function typing(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
  }
  var help = document.getElementById("sneltoetsen");
  function toggleHelp() {
    if (!help || typeof help.showModal !== "function") { return; }
    if (help.open) { help.close(); } else { help.showModal(); }
  }
  Array.prototype.forEach.call(document.querySelectorAll(".shortcut-open"), function (button) {
    button.hidden = false;
    button.addEventListener("click", toggleHelp);
  });
  Array.prototype.forEach.call(document.querySelectorAll(".shortcut-close"), function (button) {
    button.addEventListener("click", function () { help.close(); });
  });

  // The queue: j/k choose a row (the first is chosen from the start), o or Enter opens it, x ticks it.
  var rows = Array.prototype.slice.call(document.querySelectorAll(".queue-row"));
  var current = -1;
  function choose(i, focus) {
    if (!rows.length) { return; }
    if (current >= 0) { rows[current].classList.remove("is-current"); }
    current = Math.max(0, Math.min(rows.length - 1, i));
    rows[current].classList.add("is-current");
    var link = rows[current].querySelector(".ticket-link");
    if (link && focus) { link.focus(); }
  }
  if (rows.length) { choose(0, false); }

  // The ticket page: insert an article where the cursor is, keeping what was typed.
  var reply = document.querySelector(".reply-form textarea");
  var slugField = document.querySelector(".reply-form input[name='article_slug']");
  var source = document.getElementById("draft-source");
  function sayWhere(data) {
    if (!source) { return; }
    source.textContent = "Artikel ‘" + data.title + "’ ingevoegd. Pas het aan waar nodig." +
      (data.category_label ? " Bij verzenden krijgt het ticket de categorie van het artikel: " + data.category_label + "." : "");
    source.hidden = false;
  }
  function insertArticle(button) {
    return fetch(button.getAttribute("data-url"), {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        if (!reply.value.trim()) {
          reply.value = data.draft;
          reply.setSelectionRange(data.draft.length, data.draft.length);
        } else {
          var start = reply.selectionStart, end = reply.selectionEnd;
          var before = reply.value.slice(0, start), after = reply.value.slice(end);
          var text = (before && !/\n\n$/.test(before) ? (/\n$/.test(before) ? "\n" : "\n\n") : "") + data.block +
            (after && !/^\n/.test(after) ? "\n\n" : "");
          reply.setRangeText(text, start, end, "end");
        }
        if (slugField) { slugField.value = data.slug; }
        sayWhere(data);
        reply.focus();
      });
  }
  Array.prototype.forEach.call(document.querySelectorAll(".use-article"), function (button) {
    button.addEventListener("click", function (event) {
      if (!reply || typeof reply.setRangeText !== "function") { return; }  // the form post does it
      event.preventDefault();
      insertArticle(button).catch(function () { button.form.requestSubmit(button); });
    });
  });
  function press(name) {
    var button = document.querySelector(".reply-form [name='" + name + "']");
    if (button) { button.form.requestSubmit(button); }
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && document.activeElement === reply) {
      event.preventDefault();
      press(event.shiftKey ? "send_wait" : "send_close");
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(document.activeElement)) { return; }
    if (event.key === "?") {
      event.preventDefault(); toggleHelp();
    } else if (event.key === "/") {
      var search = document.getElementById("q");
      if (search) { event.preventDefault(); search.focus(); }
    } else if (event.key === "j" && rows.length) {
      event.preventDefault(); choose(current + 1, true);
    } else if (event.key === "k" && rows.length) {
      event.preventDefault(); choose(current - 1, true);
    } else if ((event.key === "o" || (event.key === "Enter" && (document.activeElement === document.body || document.activeElement.id === "inhoud"))) && rows.length) {
      event.preventDefault(); rows[current].querySelector(".ticket-link").click();
    } else if (event.key === "x" && rows.length) {
      var box = rows[current].querySelector("input[type=checkbox]");
      if (box) { event.preventDefault(); box.checked = !box.checked; }
    } else if (event.key === "r" && reply) {
      event.preventDefault(); reply.focus();
    } else if (/^[1-5]$/.test(event.key) && reply) {
      var button = document.querySelector(".use-article[data-key='" + event.key + "']");
      if (button) { event.preventDefault(); button.click(); }
    } else if (event.key === "u" && reply) {
      var queue = document.querySelector(".breadcrumbs a");
      if (queue) { event.preventDefault(); queue.click(); }
    }
  });
}());
