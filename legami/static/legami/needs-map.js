// The needs map: circles sized by the figure at each Comune's (or neighbourhood's) position.
// The page is complete without it (the table holds the same figures); the data come from a
// json_script element, so nothing runs inline and nothing is fetched from elsewhere unless the
// installation configured a tile server.
(function () {
  "use strict";
  var container = document.getElementById("needs-map");
  var source = document.getElementById("needs-map-data");
  if (!container || !source || typeof L === "undefined") { return; }
  var data = JSON.parse(source.textContent || "null");
  if (!data || !data.markers || !data.markers.length) { return; }

  container.hidden = false;
  var map = L.map(container, { scrollWheelZoom: false, attributionControl: true });
  var tiles = data.tiles || {};
  if (tiles.url) {
    L.tileLayer(tiles.url, { attribution: tiles.attribution || "", maxZoom: 18 }).addTo(map);
  }

  var lats = data.markers.map(function (m) { return m.lat; });
  var lons = data.markers.map(function (m) { return m.lon; });
  var south = Math.min.apply(null, lats), north = Math.max.apply(null, lats);
  var west = Math.min.apply(null, lons), east = Math.max.apply(null, lons);
  var pad = Math.max(north - south, east - west, 0.02) * 0.15 + 0.01;
  var bounds = L.latLngBounds([south - pad, west - pad], [north + pad, east + pad]);
  // The view first: Leaflet draws a layer's SVG element only once the map has one, and the circles'
  // elements get their keyboard and screen-reader attributes below.
  map.fitBounds(bounds);

  if (!tiles.url) {
    // No tiles: a light frame and grid so that the circles still read as places on a territory.
    container.classList.add("legami-map-plain");
    var grid = { color: "#8a9bad", weight: 1, opacity: 0.5, interactive: false };
    L.rectangle(bounds, { color: "#5c6f82", weight: 1, fill: false, interactive: false }).addTo(map);
    var step = Math.max((bounds.getNorth() - bounds.getSouth()) / 6, 0.005);
    for (var lat = bounds.getSouth() + step; lat < bounds.getNorth(); lat += step) {
      L.polyline([[lat, bounds.getWest()], [lat, bounds.getEast()]], grid).addTo(map);
    }
    var stepLon = Math.max((bounds.getEast() - bounds.getWest()) / 6, 0.005);
    for (var lon = bounds.getWest() + stepLon; lon < bounds.getEast(); lon += stepLon) {
      L.polyline([[bounds.getSouth(), lon], [bounds.getNorth(), lon]], grid).addTo(map);
    }
  }

  // Names are typed by people (a neighbourhood, an area): Leaflet reads a string as HTML, so give it a
  // text node, never a string.
  function text(value) {
    var span = document.createElement("span");
    span.textContent = String(value);
    return span;
  }

  var shown = null;  // the one circle whose name is open, whether by mouse or by keyboard
  var largest = Math.max.apply(null, data.markers.map(function (m) { return m.value; })) || 1;
  // Names show one at a time, on hover or keyboard focus: at 360 px a province's Comuni sit a few pixels
  // apart and permanent labels would cover each other. The list and the table below name every place.
  data.markers.forEach(function (m) {
    // Area, not radius, proportional to the figure.
    var radius = 6 + 24 * Math.sqrt(m.value / largest);
    var circle = L.circleMarker([m.lat, m.lon], {
      radius: radius, color: "#003366", weight: 2, fillColor: "#0066cc", fillOpacity: 0.55
    }).addTo(map);
    circle.bindTooltip(text(m.text), { direction: "top", className: "legami-map-label" });
    circle.on("tooltipopen", function () {
      if (shown && shown !== circle) { shown.closeTooltip(); }
      shown = circle;
    });
    var shape = circle.getElement && circle.getElement();
    if (shape) {
      shape.setAttribute("tabindex", "0");
      shape.setAttribute("role", "img");
      shape.setAttribute("aria-label", m.text);
      shape.addEventListener("focus", function () { circle.openTooltip(); });
      shape.addEventListener("blur", function () { circle.closeTooltip(); });
      shape.addEventListener("keydown", function (event) {
        if (event.key === "Escape") { circle.closeTooltip(); }
      });
    }
  });
})();
