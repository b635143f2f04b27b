"""Case data: the record schema, reading and validating files, storage, ingest and the demo data."""
