// Progressive enhancement: suggestions while typing. Everything works without this script.
(function () {
  "use strict";
  var input = document.getElementById("q");
  var list = document.getElementById("podpowiedzi");
  var suggested = document.getElementById("suggested");
  if (!input || !list || !suggested || !window.fetch) return;
  var timer = null, last = "";
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function show(data) {
    clear(list);
    (data.completions || []).forEach(function (c) {
      var o = document.createElement("option"); o.value = c; list.appendChild(o);
    });
    clear(suggested);
    (data.questions || []).slice(0, 5).forEach(function (q) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = q.url; a.textContent = q.title; li.appendChild(a); suggested.appendChild(li);
    });
  }
  input.addEventListener("input", function () {
    var value = input.value;
    if (timer) clearTimeout(timer);
    timer = setTimeout(function () {
      if (value === last) return;
      last = value;
      if (value.trim().length < 2) { clear(list); clear(suggested); return; }
      fetch("/api/suggest?limit=8&q=" + encodeURIComponent(value))
        .then(function (r) { return r.ok ? r.json() : { completions: [], questions: [] }; })
        .then(function (data) { if (input.value === value) show(data); })
        .catch(function () {});
    }, 120);
  });
})();
