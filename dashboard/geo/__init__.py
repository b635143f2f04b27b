"""Provinces and their shapes: the gazetteer, name resolution, boundary files and the GDAL guard."""
