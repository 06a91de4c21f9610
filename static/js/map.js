// The models map: points from the page's GeoJSON address, clustered, coloured by field; a click
// opens the model's card. Tiles only when the deployment names its own tile server.
(function () {
  "use strict";
  var element = document.getElementById("models-map");
  if (!element || !window.L) {
    return;
  }
  var status = document.getElementById("map-status");
  var data = element.dataset;
  // Clustering needs a zoom range even without tiles to set one.
  var map = L.map(element, { zoomSnap: 0.5, minZoom: 4, maxZoom: 18, attributionControl: Boolean(data.tiles) });
  map.setView([16.0, 106.5], 5.5);

  if (data.tiles) {
    L.tileLayer(data.tiles, { attribution: data.attribution || "", maxZoom: 18 }).addTo(map);
  } else {
    // No tiles: every commune as a faint dot traces the country, and the provinces' names
    // keep the points readable.
    var dots = L.canvas({ padding: 0.2 });
    JSON.parse(document.getElementById("map-communes").textContent).forEach(function (point) {
      L.circleMarker(point, {
        renderer: dots, radius: 1.2, stroke: false, fillColor: "#9aa9b5", fillOpacity: 0.7, interactive: false,
      }).addTo(map);
    });
    // Names only once there is room for them: at the whole country they would cover each other.
    var labelsFrom = 7;
    var showLabels = function () {
      element.classList.toggle("map-zoomed-out", map.getZoom() < labelsFrom);
    };
    map.on("zoomend", showLabels);
    showLabels();
    var provinces = JSON.parse(document.getElementById("map-provinces").textContent);
    provinces.forEach(function (province) {
      var label = L.marker([province.lat, province.lon], {
        interactive: false,
        keyboard: false,
        icon: L.divIcon({ className: "map-province-label", html: "<span></span>", iconSize: [0, 0] }),
      }).addTo(map);
      label.getElement().firstChild.textContent = province.name;
    });
  }

  function line(tag, className, text) {
    var node = document.createElement(tag);
    node.className = className;
    node.textContent = text;
    return node;
  }

  function card(properties) {
    var box = document.createElement("div");
    box.className = "map-card";
    box.appendChild(line("p", "map-card-field", properties.field_label + " · " + properties.year));
    box.appendChild(line("p", "map-card-name", properties.name));
    box.appendChild(line("p", "map-card-unit", properties.unit));
    box.appendChild(line("p", "map-card-place", properties.place));
    if (properties.url) {
      var link = line("a", "map-card-link", data.open);
      link.href = properties.url;
      box.appendChild(link);
    }
    return box;
  }

  var clusters = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 45, spiderfyOnMaxZoom: true });
  fetch(data.points, { headers: { Accept: "application/geo+json" }, credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) {
        throw new Error(response.status);
      }
      return response.json();
    })
    .then(function (collection) {
      L.geoJSON(collection, {
        pointToLayer: function (feature, latlng) {
          return L.circleMarker(latlng, {
            radius: 7, color: "#ffffff", weight: 1.5, fillColor: feature.properties.colour, fillOpacity: 0.9,
            className: "map-point",
          });
        },
        onEachFeature: function (feature, layer) {
          layer.bindPopup(function () { return card(feature.properties); });
        },
      }).eachLayer(function (layer) { clusters.addLayer(layer); });
      map.addLayer(clusters);
      if (collection.features.length) {
        map.fitBounds(clusters.getBounds(), { padding: [24, 24], maxZoom: 12 });
      }
      status.textContent = collection.truncated ? data.more : (collection.features.length ? "" : data.empty);
      element.dataset.loaded = String(collection.features.length);
    })
    .catch(function (error) {
      console.error(error);
      status.textContent = data.failed;
      element.dataset.loaded = "failed";
    });
})();
