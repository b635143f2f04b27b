"""Maps, charts and downloads: folium, plotly, offline Leaflet and formula-safe CSV."""
