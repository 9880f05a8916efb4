// The reading aids of a chapter page: the sidebar's menu button and the section in view, copy
// buttons on code, long outputs folded, and the search box (its index loads on first use).
(function () {
  "use strict";
  var FOLD_LINES = 25;
  var assets = document.currentScript.src.replace(/site\.js(\?.*)?$/, "");

  function menu() {
    var button = document.querySelector(".menu-button");
    if (!button) return;
    var header = document.querySelector("header.top");
    function set(open) {
      // the panel starts below the header, whose height depends on how its contents wrap
      document.documentElement.style.setProperty("--header-height", header.offsetHeight + "px");
      document.body.classList.toggle("menu-open", open);
      button.setAttribute("aria-expanded", String(open));
    }
    button.addEventListener("click", function () {
      var open = !document.body.classList.contains("menu-open");
      set(open);
      if (open) document.querySelector("nav.sidebar a").focus();
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && document.body.classList.contains("menu-open")) { set(false); button.focus(); }
    });
    document.querySelectorAll("nav.sidebar a").forEach(function (a) {
      a.addEventListener("click", function () { set(false); });
    });
  }

  // the sidebar link of the last section whose heading is above the upper third of the window
  function sectionInView() {
    var links = {};
    document.querySelectorAll("nav.sidebar a[data-section]").forEach(function (a) { links[a.dataset.section] = a; });
    var heads = Array.prototype.filter.call(document.querySelectorAll("main h1[id], main h2[id], main h3[id]"),
      function (h) { return links[h.id]; });
    if (!heads.length) return;
    var current = null, pending = false;
    function update() {
      pending = false;
      var line = window.innerHeight / 3, found = heads[0];
      for (var i = 0; i < heads.length; i++) {
        if (heads[i].getBoundingClientRect().top <= line) found = heads[i]; else break;
      }
      if (found === current) return;
      if (current) links[current.id].classList.remove("in-view");
      current = found;
      var link = links[current.id], side = link.closest("nav.sidebar");
      link.classList.add("in-view");
      // keep the highlighted entry inside the sidebar's own scrolled view (not the page's)
      if (link.offsetTop < side.scrollTop || link.offsetTop + link.offsetHeight > side.scrollTop + side.clientHeight) {
        side.scrollTop = link.offsetTop - side.clientHeight / 3;
      }
    }
    window.addEventListener("scroll", function () { if (!pending) { pending = true; requestAnimationFrame(update); } },
      { passive: true });
    window.addEventListener("hashchange", update);
    update();
  }

  function copyButtons() {
    document.querySelectorAll(".input_area, .jp-InputArea").forEach(function (area) {
      var pre = area.querySelector("pre");
      if (!pre) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy this code");
      button.addEventListener("click", function () {
        var text = pre.innerText.replace(/\n$/, "");
        var done = function () { button.textContent = "Copied"; setTimeout(function () { button.textContent = "Copy"; }, 1500); };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
        } else {
          fallbackCopy(text);
          done();
        }
      });
      area.appendChild(button);
    });
  }

  function fallbackCopy(text) {
    var t = document.createElement("textarea");
    t.value = text;
    t.setAttribute("readonly", "");
    t.style.position = "fixed";
    t.style.opacity = "0";
    document.body.appendChild(t);
    t.select();
    document.execCommand("copy");
    t.remove();
  }

  function foldOutputs() {
    document.querySelectorAll(".output_area pre, .jp-OutputArea pre").forEach(function (pre) {
      var lines = pre.textContent.replace(/\n$/, "").split("\n").length;
      if (lines <= FOLD_LINES) return;
      pre.classList.add("folded");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "unfold";
      button.setAttribute("aria-expanded", "false");
      button.textContent = "Show all " + lines + " lines";
      button.addEventListener("click", function () {
        var folded = pre.classList.toggle("folded");
        button.setAttribute("aria-expanded", String(!folded));
        button.textContent = folded ? "Show all " + lines + " lines" : "Show fewer lines";
      });
      pre.insertAdjacentElement("afterend", button);
    });
  }

  // a box that scrolls sideways can be scrolled with the keyboard once it takes the focus
  function focusableScrollers() {
    document.querySelectorAll("main pre, main .highlight, main .katex-display, main table").forEach(function (el) {
      if (el.scrollWidth > el.clientWidth + 1 && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
      }
    });
  }

  function search() {
    var form = document.querySelector("form.search");
    if (!form) return;
    var input = form.querySelector("input"), panel = document.getElementById("search-results");
    var engine = null, loading = null;

    function load() {
      if (loading) return loading;
      loading = Promise.all(["minisearch.js", "search-index.js"].map(function (file) {
        return new Promise(function (ok, fail) {
          var s = document.createElement("script");
          s.src = assets + file;
          s.async = false;  // in order: the library before the index
          s.onload = ok;
          s.onerror = function () { fail(new Error("could not load " + file)); };
          document.head.appendChild(s);
        });
      })).then(function () {
        engine = MiniSearch.loadJS(window.SEARCH_INDEX.index, window.SEARCH_INDEX.options);
      });
      return loading;
    }

    function escapeHtml(s) {
      return s.replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;" }[c]; });
    }

    // about 160 characters around the first term found, with the query's terms marked
    function snippet(text, terms) {
      var lower = text.toLowerCase(), at = -1;
      terms.forEach(function (t) { var i = lower.indexOf(t); if (i >= 0 && (at < 0 || i < at)) at = i; });
      var start = Math.max(0, at - 60), piece = text.slice(start, start + 160).replace(/\s+/g, " ");
      var out = escapeHtml(piece);
      terms.forEach(function (t) {
        if (t.length < 2) return;
        out = out.replace(new RegExp("(" + t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + ")", "gi"), "<mark>$1</mark>");
      });
      return (start > 0 ? "… " : "") + out + (start + 160 < text.length ? " …" : "");
    }

    function show() {
      var q = input.value.trim();
      if (!q) { panel.hidden = true; input.setAttribute("aria-expanded", "false"); return; }
      load().then(function () {
        var hits = engine.search(q, { prefix: true, fuzzy: 0.15, combineWith: "AND", boost: { section: 3 } }).slice(0, 12);
        var terms = q.toLowerCase().split(/\s+/).filter(Boolean);
        var pageOf = function (id) { return id.split("#")[0]; };
        panel.innerHTML = hits.length
          ? "<p>" + hits.length + (hits.length === 12 ? "+" : "") + " sections match</p><ol>" + hits.map(function (h) {
            return "<li><a href=\"" + escapeHtml(h.id) + "\"><span class=\"where\">" + escapeHtml(h.chapter) +
              "</span><span class=\"section\">" + escapeHtml(h.section) + "</span><span class=\"snippet\">" +
              snippet(h.text, terms) + "</span></a></li>";
          }).join("") + "</ol>"
          : "<p>Nothing matches \u201c" + escapeHtml(q) + "\u201d.</p>";
        panel.hidden = false;
        input.setAttribute("aria-expanded", "true");
        panel.querySelectorAll("a").forEach(function (a) {
          a.addEventListener("click", function () {  // a link to this same page only scrolls: close the panel
            if (pageOf(a.getAttribute("href")) === location.pathname.split("/").pop()) panel.hidden = true;
          });
        });
      }, function (err) {
        panel.innerHTML = "<p>Search is not available: " + escapeHtml(err.message) + "</p>";
        panel.hidden = false;
      });
    }

    var timer = null;
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(show, 120); });
    input.addEventListener("focus", load);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      show();
      if (loading) loading.then(function () { var a = panel.querySelector("a"); if (a) a.click(); });
    });
    form.addEventListener("keydown", function (e) {
      var links = Array.prototype.slice.call(panel.querySelectorAll("a"));
      var i = links.indexOf(document.activeElement);
      if (e.key === "Escape") { panel.hidden = true; input.setAttribute("aria-expanded", "false"); input.focus(); }
      else if (e.key === "ArrowDown" && links.length) { e.preventDefault(); links[Math.min(i + 1, links.length - 1)].focus(); }
      else if (e.key === "ArrowUp" && i >= 0) { e.preventDefault(); (i === 0 ? input : links[i - 1]).focus(); }
    });
    document.addEventListener("click", function (e) { if (!form.contains(e.target)) panel.hidden = true; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    menu();
    copyButtons();
    foldOutputs();
    sectionInView();
    search();
  });
  window.addEventListener("load", focusableScrollers);
})();
