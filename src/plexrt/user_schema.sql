-- The user's own data, kept in a separate DuckDB file that `plexrt build-db` never touches.
-- Created on first use; later versions only ever ADD tables or columns here (never drop).

CREATE TABLE IF NOT EXISTS user_series (
    series_key                      VARCHAR PRIMARY KEY,
    citation                        VARCHAR,
    doi                             VARCHAR,
    year                            INTEGER,
    population                      VARCHAR,
    design                          VARCHAR,
    n_patients                      INTEGER,
    n_patients_source               VARCHAR,
    n_sites                         INTEGER,
    n_sites_source                  VARCHAR,
    pain_scale                      VARCHAR,
    pain_scale_source               VARCHAR,
    response_definition             VARCHAR,
    response_definition_source      VARCHAR,
    responders                      INTEGER,
    responders_source               VARCHAR,
    complete_responders             INTEGER,
    complete_responders_source      VARCHAR,
    time_to_response                VARCHAR,
    time_to_response_source         VARCHAR,
    median_relief_months            DOUBLE,
    median_relief_months_source     VARCHAR,
    median_followup_months          DOUBLE,
    median_followup_months_source   VARCHAR,
    median_survival_months          DOUBLE,
    median_survival_months_source   VARCHAR,
    schedules                       VARCHAR,
    schedules_source                VARCHAR,
    notes                           VARCHAR,
    created_at                      TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_at                      TIMESTAMP NOT NULL DEFAULT current_timestamp
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
