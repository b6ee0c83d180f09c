"""Application layer: build the bundled store and import own series (read, validate, derive, write)."""
