// Progressive enhancement for the agent workspace: keyboard shortcuts. Everything works without this file.
(function () {
  "use strict";
  function typing(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
  }
  var rows = Array.prototype.slice.call(document.querySelectorAll(".queue-row"));
  var current = -1;
  function select(i) {
    if (!rows.length) { return; }
    if (current >= 0) { rows[current].classList.remove("is-current"); }
    current = Math.max(0, Math.min(rows.length - 1, i));
    rows[current].classList.add("is-current");
    var link = rows[current].querySelector(".ticket-link");
    if (link) { link.focus(); }
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(document.activeElement)) { return; }
    if (event.key === "/") {
      var search = document.getElementById("q");
      if (search) { event.preventDefault(); search.focus(); }
    } else if (event.key === "j" && rows.length) {
      event.preventDefault(); select(current + 1);
    } else if (event.key === "k" && rows.length) {
      event.preventDefault(); select(current - 1);
    } else if (event.key === "r") {
      var reply = document.querySelector(".reply-form textarea");
      if (reply) { event.preventDefault(); reply.focus(); }
    }
  });
}());
