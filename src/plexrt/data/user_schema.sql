-- The user's own data, kept in a separate DuckDB file that `plexrt build-db` never touches.
-- Created on first use; later versions only ever ADD tables or columns here (never drop).

-- The figure columns are those of plexrt.literature.COLUMNS (the literature table's schema); they
-- are added by UserStore on open, so one specification serves the bundled and the user table.
CREATE TABLE IF NOT EXISTS user_series (
    series_key  VARCHAR PRIMARY KEY,
    created_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE IF NOT EXISTS user_meta (
    key    VARCHAR PRIMARY KEY,
    value  VARCHAR
);

-- Cases discussed at a board, saved only when the user asks.
CREATE TABLE IF NOT EXISTS user_cases (
    case_id          VARCHAR PRIMARY KEY,
    saved_at         TIMESTAMP NOT NULL DEFAULT current_timestamp,
    label            VARCHAR,
    primary_cancer   VARCHAR,
    primary_group    VARCHAR,
    involved_muscle  VARCHAR,
    nrs_before       INTEGER,
    intent           VARCHAR,
    dose_gy          DOUBLE,
    fractions        INTEGER
);
