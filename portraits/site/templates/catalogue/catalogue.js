/* Catalogue des portraits: search, region filter, sort, map recolouring.
   Hand-written (~200 lines) because the page must work offline from file:// with no
   dependency; numbers are formatted by the generator (babel), so this only
   filters, orders and swaps colours. */
(function () {
  "use strict";

  var DATA = JSON.parse(document.getElementById("catalogue-data").textContent);
  var IND = DATA.indicators;
  var ABBREV = { st: "saint", ste: "sainte", sts: "saints", stes: "saintes" };

  // Accent-, case- and punctuation-insensitive form: "Saint-Étienne" -> "saint etienne".
  function norm(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/œ/g, "oe").replace(/æ/g, "ae").replace(/[^a-z0-9]+/g, " ").trim();
  }
  function normQuery(text) {
    return norm(text).split(" ").map(function (w) { return ABBREV[w] || w; }).join(" ");
  }
  // Match at the start of a word: "etienne" finds "saint etienne", "tienne" does not.
  function wordPrefix(hay, q) { return (" " + hay).indexOf(" " + q) !== -1; }

  var territories = DATA.territories.map(function (t) {
    var communes = [];
    (t.c ? t.c.split(";") : []).forEach(function (part) {
      var i = part.indexOf(":"), dep = part.slice(0, i);
      part.slice(i + 1).split("|").forEach(function (name) {
        communes.push({ name: name, dep: dep, n: norm(name) });
      });
    });
    var members = (t.m ? t.m.split("|") : []).map(function (name) { return { name: name, n: norm(name) }; });
    return { data: t, n: norm(t.name), nid: norm(t.id), communes: communes, members: members,
             row: document.getElementById("t-" + t.id), score: 0, visible: true };
  });
  var byId = {};
  territories.forEach(function (t) { byId[t.data.id] = t; });

  var input = document.getElementById("q");
  var regionSelect = document.getElementById("region");
  var count = document.getElementById("compte");
  var empty = document.getElementById("aucun");
  var tbody = document.querySelector("#catalogue tbody");
  var headers = Array.prototype.slice.call(document.querySelectorAll("#catalogue thead th"));
  var sort = { key: "name", dir: 1, auto: true };
  var collator = new Intl.Collator("fr", { sensitivity: "base", numeric: true });

  function matchTerritory(t, q) {
    var hits = { communes: [], members: [] };
    if (!q) return { score: 1, hits: hits };
    var score = 0;
    if (t.nid === q || t.nid.replace(" ", "") === q.replace(" ", "")) score = 100;
    else if (t.n === q) score = 95;
    else if (wordPrefix(t.n, q)) score = 80;
    t.communes.forEach(function (c) {
      if (c.n === q) { hits.communes.unshift(c); score = Math.max(score, 90); }
      else if (wordPrefix(c.n, q)) { hits.communes.push(c); score = Math.max(score, 50); }
    });
    t.members.forEach(function (m) {
      if (wordPrefix(m.n, q)) { hits.members.push(m); score = Math.max(score, 60); }
    });
    return { score: score, hits: hits };
  }

  function describe(hits) {
    var parts = [];
    function list(items, label) {
      var shown = items.slice(0, 3).map(label).join(", ");
      var more = items.length - 3;
      return more > 0 ? shown + " et " + more + (more > 1 ? " autres" : " autre") : shown;
    }
    if (hits.communes.length) {
      parts.push((hits.communes.length > 1 ? "Communes : " : "Commune : ") +
        list(hits.communes, function (c) { return c.name + " (" + c.dep + ")"; }));
    }
    if (hits.members.length) {
      parts.push((hits.members.length > 1 ? "Intercommunalités : " : "Intercommunalité : ") +
        list(hits.members, function (m) { return m.name; }));
    }
    return parts.join(" · ");
  }

  function value(t, key) {
    if (key === "name") return t.data.name;
    if (key === "region") return t.row ? t.row.cells[1].textContent : "";
    if (key === "relevance") return t.score;
    var i = indexOf(key);
    return i < 0 ? null : t.data.v[i];
  }
  function indexOf(id) {
    for (var i = 0; i < IND.length; i++) if (IND[i].id === id) return i;
    return -1;
  }

  function compare(a, b) {
    var va = value(a, sort.key), vb = value(b, sort.key);
    // Missing values always last, whatever the direction.
    if (va === null && vb !== null) return 1;
    if (vb === null && va !== null) return -1;
    var r = 0;
    if (va !== null && vb !== null) {
      r = typeof va === "number" ? va - vb : collator.compare(va, vb);
    }
    return r * sort.dir || collator.compare(a.data.name, b.data.name);
  }

  function apply() {
    var q = normQuery(input.value);
    var region = regionSelect.value;
    var shown = 0;
    territories.forEach(function (t) {
      var m = matchTerritory(t, q);
      t.score = m.score;
      t.visible = m.score > 0 && (!region || t.data.reg.indexOf(region) !== -1);
      if (!t.row) return;
      t.row.hidden = !t.visible;
      var note = t.row.querySelector(".match");
      var text = q && t.visible ? describe(m.hits) : "";
      note.textContent = text;
      note.hidden = !text;
      if (t.visible) shown++;
    });
    if (q && sort.auto) { sort.key = "relevance"; sort.dir = -1; }
    if (!q && sort.key === "relevance") { sort.key = "name"; sort.dir = 1; sort.auto = true; }
    render();
    var total = territories.length;
    count.textContent = shown === total ? total + " territoires" :
      shown + (shown > 1 ? " territoires affichés" : " territoire affiché") + " sur " + total;
    empty.hidden = shown > 0;
    dimMap();
    saveState(q ? input.value.trim() : "", region);
  }

  function render() {
    var ordered = territories.slice().sort(compare);
    var frag = document.createDocumentFragment();
    ordered.forEach(function (t) { if (t.row) frag.appendChild(t.row); });
    tbody.appendChild(frag);
    headers.forEach(function (th) {
      var b = th.querySelector("button");
      if (b && b.getAttribute("data-sort") === sort.key) {
        th.setAttribute("aria-sort", sort.dir > 0 ? "ascending" : "descending");
      } else {
        th.removeAttribute("aria-sort");
      }
    });
  }

  headers.forEach(function (th) {
    var b = th.querySelector("button");
    if (!b) return;
    b.addEventListener("click", function () {
      var key = b.getAttribute("data-sort");
      if (sort.key === key) sort.dir = -sort.dir;
      else { sort.key = key; sort.dir = (key === "name" || key === "region") ? 1 : -1; }
      sort.auto = false;
      render();
    });
  });
  input.addEventListener("input", function () { sort.auto = sort.auto || sort.key === "relevance"; apply(); });
  regionSelect.addEventListener("change", apply);
  document.getElementById("reset").addEventListener("click", function () {
    input.value = ""; regionSelect.value = ""; sort = { key: "name", dir: 1, auto: true }; apply(); input.focus();
  });

  // Links from the overview tables: show the row even when a filter hides it.
  Array.prototype.forEach.call(document.querySelectorAll("[data-goto]"), function (a) {
    a.addEventListener("click", function () {
      var t = byId[a.getAttribute("data-goto")];
      if (t && t.row && t.row.hidden) { input.value = ""; regionSelect.value = ""; apply(); }
    });
  });

  // State in the address (#q=…&region=84) so that a search or a region can be shared or linked.
  function saveState(q, region) {
    var parts = [];
    if (q) parts.push("q=" + encodeURIComponent(q));
    if (region) parts.push("region=" + encodeURIComponent(region));
    var hash = parts.length ? "#" + parts.join("&") : "";
    if (hash !== location.hash && (hash || location.hash.indexOf("=") !== -1)) {
      try { history.replaceState(null, "", hash || location.pathname + location.search); } catch (e) { /* file:// quirks */ }
    }
  }
  function loadState() {
    var h = location.hash.replace(/^#/, "");
    if (h.indexOf("=") === -1) return;
    h.split("&").forEach(function (kv) {
      var i = kv.indexOf("="), k = kv.slice(0, i), v = decodeURIComponent(kv.slice(i + 1));
      if (k === "q") input.value = v;
      if (k === "region" && regionSelect.querySelector('option[value="' + v.replace(/"/g, "") + '"]')) regionSelect.value = v;
    });
  }

  // ---- map
  var mapSelect = document.getElementById("indicateur-carte");
  var paths = Array.prototype.slice.call(document.querySelectorAll(".national-map path[data-id]"));
  var legend = document.getElementById("carte-legende");
  var legendTitle = document.getElementById("carte-legende-titre");
  var mapTitle = document.getElementById("map-title");

  // k: the class, -2 a value on another basis (outside the classes), -1 a missing value
  function colour(i, k) { return k >= 0 ? IND[i].colours[k] : k === -2 ? DATA.otherColour : DATA.missingColour; }

  function paintMap() {
    if (!mapSelect) return;
    var i = indexOf(mapSelect.value);
    if (i < 0) return;
    var ind = IND[i];
    paths.forEach(function (p) {
      var t = byId[p.getAttribute("data-id")];
      var k = t ? t.data.k[i] : -1;
      p.setAttribute("fill", colour(i, k));
      var label = (t ? t.data.name : p.getAttribute("data-id")) + " — " + (t ? t.data.t[i] : "n.d.");
      var title = p.querySelector("title");
      if (title) title.textContent = label;
      if (p.parentNode.tagName.toLowerCase() === "a") p.parentNode.setAttribute("aria-label", label);
    });
    legendTitle.textContent = ind.label + (ind.year ? " (" + ind.year + ")" : "");
    if (mapTitle) mapTitle.textContent = "Carte des Territoires d’industrie : " + ind.label;
    legend.textContent = "";
    ind.classes.map(function (label, k) { return [ind.colours[k], label]; })
      .concat(ind.other ? [[DATA.otherColour, DATA.otherLabel]] : [])
      .concat([[DATA.missingColour, "non disponible"]])
      .forEach(function (item) {
        var li = document.createElement("li"), sw = document.createElement("span");
        sw.className = "swatch"; sw.style.background = item[0]; sw.setAttribute("aria-hidden", "true");
        li.appendChild(sw); li.appendChild(document.createTextNode(item[1]));
        legend.appendChild(li);
      });
  }
  function dimMap() {
    paths.forEach(function (p) {
      var t = byId[p.getAttribute("data-id")];
      p.classList.toggle("dim", !!t && !t.visible);
    });
  }
  if (mapSelect) mapSelect.addEventListener("change", paintMap);

  loadState();
  paintMap();
  apply();
})();
