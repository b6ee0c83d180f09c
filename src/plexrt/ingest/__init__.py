"""Application layer: build the bundled store and import own series (read, validate, derive, write).

``build_db(data_dir, db_path)`` (``plexrt.ingest.build``) is the one way a store is made.
"""
