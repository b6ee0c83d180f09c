-- PlexRT store. All DDL lives here, except the literature table (generated from its column spec).
-- One row per irradiated site ("course"); a patient may have several.
-- CHECK constraints repeat the build validation as a second line of defence.

CREATE TABLE series (
    series_id            VARCHAR PRIMARY KEY,
    short_name           VARCHAR NOT NULL,
    citation             VARCHAR NOT NULL,
    doi                  VARCHAR,
    licence              VARCHAR,
    design               VARCHAR,
    period_start         VARCHAR,
    period_end           VARCHAR,
    data_cutoff          VARCHAR,
    pain_scale           VARCHAR,
    n_patients_reported  INTEGER,
    n_sites_reported     INTEGER,
    analgesic_change_unit VARCHAR,
    analgesic_reduced    INTEGER,
    analgesic_unchanged  INTEGER,
    analgesic_increased  INTEGER
);

CREATE TABLE patients (
    series_id       VARCHAR NOT NULL REFERENCES series (series_id),
    patient_id      VARCHAR NOT NULL,
    age             INTEGER CHECK (age BETWEEN 0 AND 120),
    sex             VARCHAR CHECK (sex IN ('F', 'M')),
    primary_cancer  VARCHAR NOT NULL,
    primary_group   VARCHAR NOT NULL,
    PRIMARY KEY (series_id, patient_id)
);

CREATE TABLE courses (
    series_id              VARCHAR NOT NULL,
    course_id              VARCHAR NOT NULL,
    patient_id             VARCHAR NOT NULL,
    course_no              INTEGER NOT NULL CHECK (course_no >= 1),
    pain_at_presentation   VARCHAR,
    involved_muscle        VARCHAR NOT NULL CHECK (involved_muscle IN ('psoas', 'piriformis')),
    plexus_level           VARCHAR CHECK (plexus_level IN ('upper', 'lower')),
    laterality             VARCHAR CHECK (laterality IN ('left', 'right', 'bilateral')),
    intent                 VARCHAR NOT NULL CHECK (intent IN ('palliative', 'local_control')),
    dose_gy                DOUBLE NOT NULL CHECK (dose_gy > 0),
    fractions              INTEGER NOT NULL CHECK (fractions > 0),
    nrs_before             INTEGER CHECK (nrs_before BETWEEN 0 AND 10),
    nrs_after              INTEGER CHECK (nrs_after BETWEEN 0 AND 10),
    weeks_to_max_response  INTEGER CHECK (weeks_to_max_response >= 0),
    PRIMARY KEY (series_id, course_id),
    FOREIGN KEY (series_id, patient_id) REFERENCES patients (series_id, patient_id)
);

-- Values computed at build time by plexrt.dose and plexrt.response (one implementation of each formula).
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

CREATE TABLE analgesics (
    series_id    VARCHAR NOT NULL,
    course_id    VARCHAR NOT NULL,
    timepoint    VARCHAR NOT NULL CHECK (timepoint IN ('baseline', 'after')),
    drug         VARCHAR NOT NULL,
    mg_per_day   DOUBLE CHECK (mg_per_day >= 0),
    route        VARCHAR,
    is_opioid    BOOLEAN NOT NULL,
    PRIMARY KEY (series_id, course_id, timepoint, drug)
);

CREATE TABLE opioid_factors (
    table_key    VARCHAR NOT NULL,
    table_label  VARCHAR NOT NULL,
    drug         VARCHAR NOT NULL,
    route        VARCHAR NOT NULL,
    factor       DOUBLE NOT NULL CHECK (factor > 0),
    source       VARCHAR NOT NULL,
    PRIMARY KEY (table_key, drug, route)
);

CREATE TABLE toxicities (
    series_id    VARCHAR NOT NULL,
    toxicity_id  VARCHAR NOT NULL,
    event        VARCHAR NOT NULL,
    ctcae_grade  INTEGER CHECK (ctcae_grade BETWEEN 1 AND 5),
    n_patients   INTEGER CHECK (n_patients >= 0),
    patient_id   VARCHAR,
    attribution  VARCHAR,
    location     VARCHAR,
    PRIMARY KEY (series_id, toxicity_id)
);

CREATE TABLE case_details (
    series_id   VARCHAR NOT NULL,
    detail_id   VARCHAR NOT NULL,
    patient_id  VARCHAR,
    course_id   VARCHAR,
    topic       VARCHAR NOT NULL,
    detail      VARCHAR NOT NULL,
    location    VARCHAR NOT NULL,
    PRIMARY KEY (series_id, detail_id)
);

-- One row per stored cell: where the value comes from.
CREATE TABLE provenance (
    series_id    VARCHAR,
    table_name   VARCHAR NOT NULL,
    row_key      VARCHAR NOT NULL,
    column_name  VARCHAR NOT NULL,
    source       VARCHAR NOT NULL CHECK (source IN
                 ('table1', 'results_text', 'case_narrative', 'derived', 'reconstructed', 'reference',
                  'imported')),
    location     VARCHAR,
    note         VARCHAR
);

-- Where the paper contradicts itself: both readings, where each stands, and how PlexRT resolves it.
CREATE TABLE discrepancies (
    series_id       VARCHAR NOT NULL,
    discrepancy_id  VARCHAR NOT NULL,
    topic           VARCHAR NOT NULL,
    affects         VARCHAR,
    reading_a       VARCHAR NOT NULL,
    where_a         VARCHAR NOT NULL,
    reading_b       VARCHAR NOT NULL,
    where_b         VARCHAR NOT NULL,
    resolution      VARCHAR NOT NULL,
    PRIMARY KEY (series_id, discrepancy_id)
);

-- What the paper does not publish (PlexRT's reading of it) and where in the paper that shows.
CREATE TABLE not_published (
    series_id  VARCHAR NOT NULL,
    item_id    VARCHAR NOT NULL,
    topic      VARCHAR NOT NULL,
    detail     VARCHAR NOT NULL,
    location   VARCHAR NOT NULL,
    PRIMARY KEY (series_id, item_id)
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

-- The literature table (published comparison series, from data/literature.csv) is created from
-- plexrt.data.literature.COLUMNS, its one specification (plexrt.data.bundled_write.literature_ddl).

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
-- reconstruction; every column has a *_source flag ('reconstructed', 'table1', 'derived', ...).
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
