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

// "Already asked?": while a resident describes a problem in a sentence, the questions on the same
// problem appear under the box (the same engine as /zapytaj and /api/related).
(function () {
  "use strict";
  var box = document.getElementById("tresc");
  var list = document.getElementById("asked");
  if (!box || !list || !window.fetch) return;
  var timer = null, last = "";
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function show(data) {
    clear(list);
    (data.related || []).forEach(function (r) {
      var li = document.createElement("li"), a = document.createElement("a"), meta = document.createElement("span");
      a.href = r.url; a.textContent = r.title; meta.className = "meta"; meta.textContent = " " + r.date + " · " + r.district;
      li.appendChild(a); li.appendChild(meta); list.appendChild(li);
    });
  }
  box.addEventListener("input", function () {
    var value = box.value.trim();
    if (timer) clearTimeout(timer);
    timer = setTimeout(function () {
      if (value === last) return;
      last = value;
      // A few words describe a problem; fewer would match too loosely to help.
      if (value.split(/\s+/).length < 3) { clear(list); return; }
      fetch("/api/related?limit=5&q=" + encodeURIComponent(value))
        .then(function (r) { return r.ok ? r.json() : { related: [] }; })
        .then(function (data) { if (box.value.trim() === value) show(data); })
        .catch(function () {});
    }, 300);
  });
})();
