-- PlexRT store: the tables PlexRT computes, the course_summary view and meta. The tables whose
-- columns are specified in Python (the series' file tables, provenance, literature) are created
-- before this file from their one specification (plexrt.data.ddl). One row per irradiated site
-- ("course"); a patient may have several.

-- Values computed at build time by plexrt.clinical.dose and plexrt.clinical.response (one
-- implementation of each formula).
CREATE TABLE course_derived (
    series_id             VARCHAR NOT NULL,
    course_id             VARCHAR NOT NULL,
    dose_per_fraction_gy  DOUBLE NOT NULL,
    bed10_gy              DOUBLE NOT NULL,
    eqd2_10_gy            DOUBLE NOT NULL,
    bed3_gy               DOUBLE NOT NULL,
    eqd2_3_gy             DOUBLE NOT NULL,
    baseline_omed_mg      DOUBLE,
    PRIMARY KEY (series_id, course_id)
);

CREATE VIEW course_summary AS
SELECT
    c.series_id,
    c.patient_id,
    c.course_id,
    c.course_no,
    p.primary_cancer,
    p.primary_group,
    p.age,
    p.sex,
    c.pain_at_presentation,
    c.involved_muscle,
    c.plexus_level,
    c.laterality,
    c.intent,
    c.dose_gy,
    c.fractions,
    d.dose_per_fraction_gy,
    d.bed10_gy,
    d.eqd2_10_gy,
    c.nrs_before,
    c.nrs_after,
    c.nrs_after - c.nrs_before AS nrs_change,
    c.weeks_to_max_response,
    d.baseline_omed_mg
FROM courses c
JOIN patients p USING (series_id, patient_id)
JOIN course_derived d USING (series_id, course_id);

-- Published time-to-event figures and facts (the constraints a reconstruction honours), as text.
CREATE TABLE published_times (
    series_id      VARCHAR NOT NULL,
    constraint_id  VARCHAR NOT NULL,
    kind           VARCHAR NOT NULL,
    quantity       VARCHAR NOT NULL,
    value          VARCHAR,
    unit           VARCHAR,
    applies_to     VARCHAR,
    rounding       VARCHAR,
    quote          VARCHAR,
    location       VARCHAR,
    PRIMARY KEY (series_id, constraint_id)
);

-- Per-patient event times in days from the start of the patient's first RT course (no calendar
-- dates). For a series without published per-patient times these are the seeded default
-- reconstruction; every column has a *_source flag ('reconstructed', 'derived' by a rule from
-- published values, 'results_text', 'case_narrative', 'imported', ...).
CREATE TABLE events (
    series_id                             VARCHAR NOT NULL,
    patient_id                            VARCHAR NOT NULL,
    rt_end_day                            INTEGER NOT NULL,
    death                                 BOOLEAN NOT NULL,
    death_day                             DOUBLE,
    last_contact_day                      INTEGER NOT NULL,
    followup_from_completion_days         INTEGER,
    assessable_for_relief                 BOOLEAN NOT NULL,
    max_response_day                      INTEGER,
    relapse                               BOOLEAN,
    relapse_day                           DOUBLE,
    relief_end_day                        DOUBLE,
    relief_days                           DOUBLE,
    relief_event                          INTEGER,
    rt_end_day_source                     VARCHAR,
    death_source                          VARCHAR,
    death_day_source                      VARCHAR,
    last_contact_day_source               VARCHAR,
    followup_from_completion_days_source  VARCHAR,
    assessable_for_relief_source          VARCHAR,
    max_response_day_source               VARCHAR,
    relapse_source                        VARCHAR,
    relapse_day_source                    VARCHAR,
    relief_end_day_source                 VARCHAR,
    relief_days_source                    VARCHAR,
    relief_event_source                   VARCHAR,
    seed                                  INTEGER,
    PRIMARY KEY (series_id, patient_id)
);

CREATE TABLE course_events (
    series_id                VARCHAR NOT NULL,
    course_id                VARCHAR NOT NULL,
    patient_id               VARCHAR NOT NULL,
    rt_start_day             INTEGER NOT NULL,
    rt_end_day               INTEGER NOT NULL,
    max_response_day         INTEGER,
    rt_start_day_source      VARCHAR,
    rt_end_day_source        VARCHAR,
    max_response_day_source  VARCHAR,
    PRIMARY KEY (series_id, course_id)
);

-- Every published constraint recomputed from the stored reconstruction, and the conflicts found.
CREATE TABLE reconstruction_checks (
    series_id      VARCHAR NOT NULL,
    constraint_id  VARCHAR NOT NULL,
    description    VARCHAR,
    target         VARCHAR,
    achieved       VARCHAR,
    holds          BOOLEAN,
    kept           BOOLEAN,
    status         VARCHAR
);

CREATE TABLE reconstruction_conflicts (
    series_id    VARCHAR NOT NULL,
    conflict_id  VARCHAR NOT NULL,
    description  VARCHAR NOT NULL,
    source_a     VARCHAR NOT NULL,
    source_b     VARCHAR NOT NULL,
    dropped      VARCHAR NOT NULL
);

-- Which schema built this file: a store built by an older PlexRT is rebuilt from data/ on start.
CREATE TABLE meta (
    key    VARCHAR PRIMARY KEY,
    value  VARCHAR
);
