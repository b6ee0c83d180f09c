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

-- A published Kaplan-Meier curve turned into individual times (plexrt.stats.guyot), stored by
-- plexrt.data.curve_store beside its literature series (user_series.series_key, same key): the
-- curve's metadata, the digitised points and the risk table as given (in the curve's own time
-- unit; the reconstruction can be redone from them), and one row per reconstructed patient (days).
CREATE TABLE IF NOT EXISTS curve_series (
    series_key        VARCHAR PRIMARY KEY,
    outcome           VARCHAR NOT NULL,  -- plexrt.data.vocab.CURVE_OUTCOMES
    time_unit         VARCHAR NOT NULL,  -- the published axis: days, weeks, months, years
    time_zero         VARCHAR,           -- as the paper states it
    arm               VARCHAR,           -- which curve of the figure
    figure            VARCHAR,           -- where in the paper (e.g. 'Figure 2A')
    flag              VARCHAR NOT NULL,  -- 'reconstructed from published curve'
    method            VARCHAR NOT NULL,  -- algorithm and every assumption, in words
    cleaning          VARCHAR,           -- what cleaning changed in the points
    fit               VARCHAR,           -- the fit diagnostics, in words
    n_patients        INTEGER NOT NULL,
    total_events      INTEGER,           -- as reported (NULL: not reported)
    published_median  DOUBLE,            -- in time_unit, as reported (NULL: not given)
    points_file       VARCHAR,
    risk_file         VARCHAR,
    created_at        TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE IF NOT EXISTS curve_points (
    series_key  VARCHAR NOT NULL,
    point_no    INTEGER NOT NULL,
    time        DOUBLE NOT NULL,
    survival    DOUBLE NOT NULL,
    PRIMARY KEY (series_key, point_no)
);

CREATE TABLE IF NOT EXISTS curve_risk (
    series_key  VARCHAR NOT NULL,
    row_no      INTEGER NOT NULL,
    time        DOUBLE NOT NULL,
    at_risk     INTEGER NOT NULL,
    PRIMARY KEY (series_key, row_no)
);

CREATE TABLE IF NOT EXISTS curve_ipd (
    series_key  VARCHAR NOT NULL,
    patient_no  INTEGER NOT NULL,
    time_days   DOUBLE NOT NULL,
    event       INTEGER NOT NULL,  -- 1 event, 0 censored
    PRIMARY KEY (series_key, patient_no)
);
