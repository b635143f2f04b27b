/* The static site's coverage map: Leaflet and the boundaries ship in assets/, the figures in the page.
   Nothing is requested from outside the site's folder. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("cpu-data").textContent);
  var el = document.getElementById("map");
  if (!el || !window.L || !window.CPU_BOUNDARIES) { return; }
  var map = L.map(el, { zoomSnap: 0.25, attributionControl: true, scrollWheelZoom: false });
  map.attributionControl.setPrefix(false);
  // addAttribution inserts HTML: the credit is text (an admin typed it), so it goes in escaped
  var credit = document.createElement("span");
  credit.textContent = data.attribution;
  map.attributionControl.addAttribution(credit.innerHTML);
  var HATCH = "url(#" + data.hatch.id + ")";
  var year = String(data.map.year);
  function look(code) { return (data.map.units[year] || {})[code] || null; }
  function style(feature) {
    var u = look(feature.properties.code) || { fill: data.map.no_data_fill, dashed: true };
    return { fillColor: u.fill === "hatch" ? HATCH : u.fill, fillOpacity: 0.92, color: "#51606b",
             weight: 1, dashArray: u.dashed ? "4 3" : null };
  }
  function tooltip(layer) {
    var p = layer.feature.properties, u = look(p.code);
    var name = data.lang === "km" ? p.name_km : p.name_en + " · " + p.name_km;
    var lines = [name];
    if (u) { lines.push(u.status); if (u.detail) { lines.push(u.detail); } }
    var div = document.createElement("div");
    lines.forEach(function (t, i) { var s = document.createElement(i ? "div" : "strong"); s.textContent = t; div.appendChild(s); });
    return div;
  }
  var layer = L.geoJSON(window.CPU_BOUNDARIES, { style: style }).bindTooltip(tooltip, { sticky: true }).addTo(map);
  map.fitBounds(layer.getBounds(), { padding: [6, 6] });
  var svg = map.getPanes().overlayPane.querySelector("svg");
  if (svg) {
    var defs = document.createElementNS("http://www.w3.org/2000/svg", "defs");
    defs.innerHTML = data.hatch.svg;
    svg.insertBefore(defs, svg.firstChild);
  }
  function show(y) {
    year = String(y);
    layer.setStyle(style);
    document.querySelectorAll("[data-legend-year]").forEach(function (n) { n.hidden = n.getAttribute("data-legend-year") !== year; });
    document.querySelectorAll("[data-year-button]").forEach(function (b) {
      b.setAttribute("aria-pressed", b.getAttribute("data-year-button") === year ? "true" : "false");
    });
  }
  document.querySelectorAll("[data-year-button]").forEach(function (b) {
    b.addEventListener("click", function () { show(b.getAttribute("data-year-button")); });
  });
  show(year);
  el.setAttribute("data-ready", "true");
})();
