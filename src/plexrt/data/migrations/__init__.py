"""Alembic script directory of the user store (run by ``plexrt.data.userstore.migrate``).

A migration only adds (tables, nullable columns, indexes) or copies; it never drops a user's rows.
New migration: ``alembic -x ... revision`` is not needed; copy the newest file in ``versions/``,
give it the next number as ``revision`` and the previous as ``down_revision``.
"""
