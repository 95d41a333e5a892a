// The flatplan page: every page of the edition as a card, and one page's view with its frames.
// The data is embedded in the page (a file:// page cannot fetch JSON); served by `layout watch
// --serve`, the page also listens to /events and applies each rebuild's data in place: a card
// whose preview changed gets the new image, the others keep theirs.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("flatplan-data").textContent);
  var cards = {};        // label -> card element
  var current = null;    // label of the page open in the view, or null
  var selected = null;   // owner of the frame selected in the view

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") e.textContent = attrs[k];
      else if (k === "cls") e.className = attrs[k];
      else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) e.appendChild(c); });
    return e;
  }
  function pct(v, total) { return (100 * v / total).toFixed(3) + "%"; }
  function place(e, box, page) {
    e.style.left = pct(box.x, page.width); e.style.top = pct(box.y, page.height);
    e.style.width = pct(box.w, page.width); e.style.height = pct(box.h, page.height);
    return e;
  }
  function pageOf(label) {
    for (var i = 0; i < data.pages.length; i++) if (data.pages[i].label === label) return data.pages[i];
    return null;
  }
  function signed(n) { return n > 0 ? "+" + n : n < 0 ? "\u2212" + (-n) : "\u00b10"; }
  function fitText(s) {
    if (s.overset_lines) return "overset " + s.overset_lines + " lines (lines: " + signed(s.lines_change) + ")";
    if (s.underset_lines) return s.underset_lines + " lines to spare (lines: " + signed(s.lines_change) + ")";
    return "fits";
  }
  function byRound() { return data.changes && data.changes.since === "round"; }
  function changeText(rev) {
    if (!rev) return "\u2014";
    return (byRound() ? "round " : "revision ") + rev + (rev === data.revision ? " (this one)" : "");
  }
  function since() {  // what "changed" is counted from
    if (!byRound()) return "the previous build";
    return data.changes.previous ? "the previous proof round (" + data.changes.previous + ")" : "no earlier proof round";
  }

  function badges(p) {
    var st = p.status, out = [];
    function add(cls, text, title) { out.push(el("span", {cls: "badge " + cls, text: text, title: title})); }
    if (st.overset) add("overset", "overset " + st.overset, "stories or boxes whose text does not fit");
    if (st.underset) add("underset", "underset " + st.underset, "frames with grid lines to spare");
    if (st.errors) add("errors", "errors " + st.errors, "errors on this page");
    if (st.warnings) add("warnings", "warnings " + st.warnings, "warnings on this page");
    if (st.blank) add("blank", "blank", "left blank on purpose");
    if (st.change === "changed") add("changed", "changed", "changed since " + since());
    if (st.change === "added") add("added", "new", "not in " + since());
    return el("div", {cls: "badges"}, out);
  }
  function marks(p) {
    var box = el("div", {cls: "marks"});
    p.changed_lines.forEach(function (b) {
      var attrs = {cls: "chg " + b.kind, "data-story": b.story};
      if (b.note) attrs.title = b.kind + ": " + b.note;
      box.appendChild(place(el("div", attrs), b, p));
    });
    return box;
  }
  function storyList(p) {
    return el("ul", {cls: "stories"}, p.stories.map(function (s) {
      return el("li", {"data-story": s.story}, [
        el("span", {cls: "name", text: s.story + (s.headline ? " " + s.headline : ""), title: s.headline || s.story}),
        el("span", {cls: "fit fit-" + s.fit, title: fitText(s), text: s.fit === "ok" ? "fits" : s.fit === "overset"
          ? "+" + s.overset_lines : "\u2212" + s.underset_lines})]);
    }));
  }

  function fillCard(card, p, old) {
    var img = card.querySelector("img");
    if (!old || old.thumb !== p.thumb) {
      img.src = p.thumb;
      if (old) { card.classList.remove("updated"); void card.offsetWidth; card.classList.add("updated"); }
    }
    img.alt = p.label + " " + p.title;
    img.width = p.thumb_size[0]; img.height = p.thumb_size[1];
    var thumb = card.querySelector(".thumb");
    var oldMarks = thumb.querySelector(".marks");
    if (oldMarks) thumb.removeChild(oldMarks);
    thumb.appendChild(marks(p));
    var meta = card.querySelector(".meta");
    meta.textContent = "";
    meta.appendChild(el("div", {cls: "head"}, [el("span", {cls: "label", text: p.label}),
      el("span", {cls: "title", text: p.title}),
      el("span", {cls: "editor", text: p.editor ? "\u7f16\u8f91 " + p.editor : ""})]));
    meta.appendChild(badges(p));
    meta.appendChild(storyList(p));
    card.dataset.change = p.status.change;
  }
  function newCard(p) {
    var card = el("article", {cls: "page", tabindex: "0", "data-label": p.label},
                  [el("div", {cls: "thumb"}, [el("img", {decoding: "async"})]),
                   el("div", {cls: "meta"})]);
    card.addEventListener("click", function () { open(p.label); });
    card.addEventListener("keydown", function (e) { if (e.key === "Enter") open(p.label); });
    return card;
  }

  function renderPlan(old) {
    var plan = document.getElementById("plan");
    var before = {};
    (old ? old.pages : []).forEach(function (p) { before[p.label] = p; });
    var sameShape = old && JSON.stringify(old.sections) === JSON.stringify(data.sections);
    if (!sameShape) {
      plan.textContent = "";
      cards = {};
      data.sections.forEach(function (s) {
        var row = el("div", {cls: "pages"});
        s.pages.forEach(function (label) {
          var p = pageOf(label);
          if (!p) return;
          var card = newCard(p);
          cards[label] = card;
          fillCard(card, p, null);
          row.appendChild(card);
        });
        plan.appendChild(el("section", {cls: "section", "data-section": s.id},
                            [el("h2", {text: s.name + " (" + s.pages.length + ")"}), row]));
      });
    } else {
      data.pages.forEach(function (p) { if (cards[p.label]) fillCard(cards[p.label], p, before[p.label]); });
    }
    applyFilter();
    var e = data.edition, t = data.totals;
    document.getElementById("title").textContent = e.paper + " " + e.date + " \u00b7 " + e.mode;
    document.getElementById("edition-pdf").href = e.pdf;
    document.title = e.paper + " " + e.date + " flatplan";
    var totals = document.getElementById("totals");
    totals.textContent = "";
    [[t.pages + " pages"], [t.overset + " overset", "fit-overset"], [t.underset + " underset", "fit-underset"],
     [t.warnings + " warnings"], [t.changed + " changed"],
     [byRound() ? data.changes.name + " (round " + data.revision + ")" : "revision " + data.revision]].forEach(function (x) {
      totals.appendChild(el("span", {cls: x[1] || "", text: x[0]}));
    });
  }

  function shown(p, filter) {
    var st = p.status;
    if (filter === "problems") return st.overset + st.errors + st.warnings > 0;
    if (filter === "changed") return st.change === "changed" || st.change === "added";
    return true;
  }
  function applyFilter() {
    var filter = document.getElementById("filter").value;
    data.pages.forEach(function (p) {
      if (cards[p.label]) cards[p.label].classList.toggle("filtered", !shown(p, filter));
    });
  }

  // -- one page's view -------------------------------------------------------------------
  function open(label) {
    if (!pageOf(label)) return;
    if (location.hash !== "#" + encodeURIComponent(label)) history.replaceState(null, "", "#" + encodeURIComponent(label));
    current = label; selected = null;
    renderView(null);
    document.getElementById("view").hidden = false;
  }
  function close() {
    current = null; selected = null;
    document.getElementById("view").hidden = true;
    history.replaceState(null, "", location.pathname + location.search);
  }
  function step(d) {
    var i = data.pages.findIndex(function (p) { return p.label === current; });
    var next = data.pages[i + d];
    if (next) open(next.label);
  }
  function renderView(old) {
    var p = pageOf(current);
    if (!p) { close(); return; }
    document.getElementById("view-title").textContent = p.label + " " + p.title + (p.editor ? " \u00b7 \u7f16\u8f91 " + p.editor : "");
    document.getElementById("view-pdf").href = p.pdf;
    var img = document.getElementById("view-img");
    if (!old || img.getAttribute("src") !== p.view) img.src = p.view;
    img.width = p.view_size[0]; img.height = p.view_size[1];
    img.alt = p.label;
    var sheet = document.getElementById("sheet");
    sheet.querySelectorAll(".frame").forEach(function (f) { sheet.removeChild(f); });
    var m = document.getElementById("view-marks");
    m.replaceWith(Object.assign(marks(p), {id: "view-marks"}));
    p.frames.forEach(function (f) {
      var name = f.ad ? f.ad.booking : f.owner;  // an ad by its order id, as the ad department knows it
      var box = place(el("div", {cls: "frame kind-" + f.kind + (f.fit ? " fit-" + f.fit : ""), "data-owner": f.owner,
                                 title: f.ad ? "ad " + f.ad.booking + " \u00b7 " + f.ad.advertiser : f.owner,
                                 role: "button", tabindex: "0"}, [el("span", {cls: "tag", text: name})]), f, p);
      if (f.owner === selected) box.classList.add("selected");
      box.addEventListener("click", function (e) { e.stopPropagation(); select(f.owner); });
      sheet.appendChild(box);
    });
    renderInfo(p);
  }
  function select(owner) {
    selected = owner;
    document.querySelectorAll("#sheet .frame").forEach(function (f) {
      f.classList.toggle("selected", f.dataset.owner === owner);
    });
    renderInfo(pageOf(current));
  }
  function pageLink(label) {
    var a = el("a", {text: label, href: "#" + encodeURIComponent(label)});
    a.addEventListener("click", function (e) { e.preventDefault(); open(label); });
    return a;
  }
  function row(dl, k, v) {
    dl.appendChild(el("dt", {text: k}));
    dl.appendChild(typeof v === "string" ? el("dd", {text: v}) : el("dd", {}, [v]));
  }
  function renderInfo(p) {
    var info = document.getElementById("info");
    info.textContent = "";
    var f = selected && p.frames.filter(function (x) { return x.owner === selected; })[0];
    if (f) {
      var s = p.stories.filter(function (x) { return x.story === f.owner; })[0];
      info.appendChild(el("h3", {text: f.owner + (s && s.headline ? " \u00b7 " + s.headline : "")}));
      var dl = el("dl", {cls: "frame-info"});
      row(dl, "kind", f.kind);
      if (f.ad) {
        row(dl, "booking", f.ad.booking);
        if (f.ad.advertiser) row(dl, "advertiser", f.ad.advertiser);
        row(dl, "artwork", f.ad.file);
      }
      if (s) {
        row(dl, "fit", fitText(s));
        row(dl, "lines set", s.lines_set + " of " + s.capacity_lines + " (frame lines: " + s.frame.lines + ")");
        row(dl, "characters", s.chars_set + " of " + s.chars_total);
      }
      if (f.jumps.from) row(dl, "continued from", f.jumps.from);
      if (f.jumps.to) row(dl, "continues on", pageLink(f.jumps.to));
      if (f.jumps.see_also) row(dl, "see also", pageLink(f.jumps.see_also));
      row(dl, "last change", changeText(f.changed_at));
      var n = p.changed_lines.filter(function (b) { return b.story === f.owner; }).length;
      if (n) row(dl, "changed lines", String(n));
      info.appendChild(dl);
    } else {
      info.appendChild(el("h3", {text: "Page " + p.label}));
      var dl2 = el("dl");
      row(dl2, "section", p.section_name + " \u00b7 " + p.number);
      row(dl2, "editor", p.editor || "\u2014");
      if (p.designer) row(dl2, "designer", p.designer);
      row(dl2, "change", p.status.change + " (since " + since() + ")");
      row(dl2, "changed lines", String(p.changed_lines.length));
      info.appendChild(dl2);
      info.appendChild(el("p", {text: "Click a frame for its story's fit, jumps and last change."}));
    }
    info.appendChild(el("h3", {text: "Stories"}));
    info.appendChild(el("ul", {}, p.stories.map(function (s) {
      var a = el("a", {text: s.story, href: "#"});
      a.addEventListener("click", function (e) { e.preventDefault(); select(s.story); });
      return el("li", {}, [a, el("span", {cls: "fit-" + s.fit, text: " " + fitText(s)})]);
    })));
    if (p.findings.length) {
      info.appendChild(el("h3", {text: "Findings"}));
      info.appendChild(el("ul", {}, p.findings.map(function (x) {
        return el("li", {cls: "finding " + x.severity, text: x.severity + ": " + x.message});
      })));
    }
  }

  // -- wiring ----------------------------------------------------------------------------
  document.getElementById("filter").addEventListener("change", applyFilter);
  document.getElementById("view-close").addEventListener("click", close);
  document.getElementById("view-prev").addEventListener("click", function () { step(-1); });
  document.getElementById("view-next").addEventListener("click", function () { step(1); });
  document.getElementById("sheet").addEventListener("click", function () { select(null); });
  document.getElementById("show-frames").addEventListener("change", function (e) {
    document.getElementById("sheet").classList.toggle("no-frames", !e.target.checked);
  });
  document.getElementById("show-changes").addEventListener("change", function (e) {
    document.getElementById("sheet").classList.toggle("no-changes", !e.target.checked);
  });
  document.addEventListener("keydown", function (e) {
    if (current === null) return;
    if (e.key === "Escape") close();
    else if (e.key === "ArrowLeft") step(-1);
    else if (e.key === "ArrowRight") step(1);
  });
  function fromHash() {
    var label = decodeURIComponent(location.hash.slice(1));
    if (label && pageOf(label)) open(label);
  }
  window.addEventListener("hashchange", fromHash);

  function apply(next) {
    var old = data;
    data = next;
    renderPlan(old);
    if (current !== null) renderView(old);
    document.body.dataset.revision = String(data.revision);
  }
  window.flatplan = {apply: apply, data: function () { return data; }, open: open, close: close};

  renderPlan(null);
  document.body.dataset.revision = String(data.revision);
  fromHash();

  if ((location.protocol === "http:" || location.protocol === "https:") && window.EventSource) {
    var live = document.getElementById("live");
    live.hidden = false;
    live.textContent = "live: waiting for builds";
    var source = new EventSource("events");
    source.addEventListener("build", function (e) {
      apply(JSON.parse(e.data));
      live.className = "ok";
      live.textContent = "live: revision " + data.revision + ", updated " + new Date().toLocaleTimeString();
    });
    source.addEventListener("failed", function (e) {
      live.className = "error";
      live.textContent = "build failed, showing the last good build: " + JSON.parse(e.data).message;
    });
    source.onerror = function () { live.className = ""; live.textContent = "live: reconnecting\u2026"; };
  }
})();
