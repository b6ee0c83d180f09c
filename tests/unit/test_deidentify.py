"""De-identification: identifier columns refused, codes that may be hospital numbers replaced by
pseudonyms (key given once, needed to update), 90+, and no date anywhere in what is returned."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from plexrt.data import deidentify as d
from plexrt.ingest.own_import import DATED_CODE, prepare_import
from tests.unit.own_files import COURSE_HEADER, GOOD_ASSESSMENTS, GOOD_COURSES, course_row, write

IDENTIFIER_HEADERS = [
    ("name", "name"),
    ("Surname", "name"),
    ("first_name", "name"),
    ("Patient Name", "name"),
    ("FirstName", "name"),
    ("Nachname", "name"),
    ("Vorname", "name"),
    ("prénom", "name"),
    ("initials", "name"),
    ("mrn", "record"),
    ("MRN", "record"),
    ("hospital_number", "record"),
    ("Hospital No.", "record"),
    ("NHS number", "record"),
    ("nhs_no", "record"),
    ("Fallnummer", "record"),
    ("dob", "birth"),
    ("DOB", "birth"),
    ("date_of_birth", "birth"),
    ("Date of Birth", "birth"),
    ("birth_date", "birth"),
    ("Geburtsdatum", "birth"),
    ("date de naissance", "birth"),
    ("address", "place"),
    ("Street", "place"),
    ("Straße", "place"),
    ("zip", "place"),
    ("ZIPCode", "place"),
    ("postcode", "place"),
    ("Postal code", "place"),
    ("city", "place"),
    ("PLZ", "place"),
    ("phone", "phone"),
    ("telephone", "phone"),
    ("Mobile", "phone"),
    ("fax", "phone"),
    ("email", "email"),
    ("E-mail", "email"),
    ("e_mail", "email"),
    ("ssn", "national"),
    ("social_security_number", "national"),
    ("passport", "national"),
    ("insurance_number", "insurance"),
    ("IBAN", "insurance"),
    ("medicare", "insurance"),
    ("licence_no", "licence"),
    ("VIN", "vehicle"),
    ("device serial number", "vehicle"),
    ("url", "web"),
    ("IP address", "web"),
    ("photo", "biometric"),
    ("fingerprint", "biometric"),
    ("admission_date", "date"),
    ("Aufnahmedatum", "date"),
]
NOT_IDENTIFIERS = [
    "patient_id",
    "notes",
    "comment",
    "drug_name",
    "cancer_name",
    "insurance_type",
    "record_id",
    "cohort",
    "data_source",
    "rt_technique",
    "hospital_name",
]


@pytest.mark.parametrize(("header", "category"), IDENTIFIER_HEADERS)
def test_identifier_headers_are_recognised(header, category):
    assert d.identifier_category(header) == category


@pytest.mark.parametrize("header", NOT_IDENTIFIERS)
def test_other_headers_are_not(header):
    assert d.identifier_category(header) is None


def test_an_identifier_column_refuses_the_file_naming_it(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(COURSE_HEADER + ",DOB,E-mail\n" + course_row() + ",1950-01-01,a@b.org\n")
    r = prepare_import(path)
    assert not r.ok
    named = {p.column: p.message for p in r.report.problems}
    assert "date or place of birth" in named["DOB"] and "e-mail address" in named["E-mail"]
    assert all(p.line == 1 for p in r.report.problems)


@pytest.mark.parametrize(
    ("code", "numberlike", "namelike"),
    [
        ("P01", False, False),
        ("12", False, False),
        ("CTR2-017", False, False),
        ("C3-01234", False, False),
        ("1234567", True, False),
        ("943 476 5919", True, False),
        ("123-45-6789", True, False),
        ("1956-03-12", True, False),
        ("12.03.56", True, False),
        ("S-000123", True, False),
        ("Jane Doe", False, True),
        ("DOE, Jane", False, True),
        ("j.doe@example.org", False, True),
        # Names as planning systems export them, and numbers, dates and names in other scripts.
        ("DOE^JANE", False, True),
        ("Doe_Jane", False, True),
        ("１２３４５６７", True, False),  # full-width digits, as a Japanese keyboard types them
        ("١٢٣٤٥٦٧", True, False),  # Arabic-Indic digits
        ("１９５６-０３-１２", True, False),
        ("٩٤٣ ٤٧٦ ٥٩١", True, False),  # nine digits in groups
        ("Jürgen Müller", False, True),
        ("山田 太郎", False, True),
        ("Ünal-03", False, False),
        ("Ｐ０１", False, False),  # a full-width study code stays a study code
    ],
)
def test_codes_that_may_be_identifiers(code, numberlike, namelike):
    n, m = d.codes_may_identify(pd.Series([code]))
    assert (bool(n[0]), bool(m[0])) == (numberlike, namelike)


def test_pseudonyms_in_order_of_appearance_and_continued_from_a_key():
    assert d.assign_pseudonyms(["b", "a", "b"]) == {"b": "P001", "a": "P002"}
    key = {"x": "P001", "y": "P007"}
    assert d.assign_pseudonyms(["y", "z"], key) == {"x": "P001", "y": "P007", "z": "P008"}


def test_key_file_round_trip_and_refusals():
    key = {"1234567": "P001", "7654321": "P002"}
    back, problems = d.read_key(d.key_csv(key), "key.csv")
    assert back == key and problems == []
    _, problems = d.read_key(b"code,alias\n1,P001\n", "k.csv")
    assert "header must be original_code,pseudonym" in problems[0].message
    _, problems = d.read_key(b'"original_code","pseudonym"\n"1","X1"\n', "k.csv")
    assert problems[0].line == 2
    merged, problems = d.merge_keys([{"1": "P001"}, {"1": "P002"}])
    assert problems


def test_ages_over_89():
    age, plus = d.cap_age(pd.Series([89.0, 90.0, 95.0, None, 130.0]))
    assert age.tolist()[:3] == [89.0, 90.0, 90.0] and pd.isna(age[3]) and age[4] == 130.0
    assert plus.tolist() == [False, True, True, False, False]


def test_days_from_first_start():
    dates = pd.to_datetime(pd.Series(["2024-02-28", "2024-03-01", None]))
    day0 = pd.to_datetime(pd.Series(["2024-02-01"] * 3))
    out = d.days_from(dates, day0)
    assert out.tolist()[:2] == [27.0, 29.0] and pd.isna(out[2])  # 2024 is a leap year


# ---- Through the import ----------------------------------------------------------------------

MRN_COURSES = [row.replace("S01", "10203040").replace("S02", "99887766") for row in GOOD_COURSES]
MRN_ASSESSMENTS = [
    row.replace("S01", "10203040").replace("S02", "99887766") for row in GOOD_ASSESSMENTS
]


def test_hospital_numbers_become_pseudonyms_and_the_key_is_returned(tmp_path):
    c, a = write(tmp_path, MRN_COURSES, MRN_ASSESSMENTS)
    r = prepare_import(c, a)
    assert r.ok and r.pseudonymised
    assert r.key == {"10203040": "P001", "99887766": "P002"}
    for frame in (r.frames.patients, r.frames.courses, r.frames.assessments):
        assert set(frame["patient_id"]) <= {"P001", "P002"}
    assert not any("10203040" in n or "99887766" in n for n in r.report.notices)


def test_study_codes_confirmed_are_kept_but_names_never(tmp_path):
    c, a = write(tmp_path, MRN_COURSES, MRN_ASSESSMENTS)
    kept = prepare_import(c, a, study_codes=True)
    assert not kept.pseudonymised and kept.key is None
    assert set(kept.frames.patients["patient_id"]) == {"10203040", "99887766"}
    named = [row.replace("S01", "Jane Doe") for row in GOOD_COURSES]
    c2, a2 = write(tmp_path, named, [r.replace("S01", "Jane Doe") for r in GOOD_ASSESSMENTS])
    r = prepare_import(c2, a2, study_codes=True)
    assert r.pseudonymised and "Jane Doe" not in set(r.frames.patients["patient_id"])


def test_a_pseudonymised_series_is_updated_with_its_key_only(tmp_path):
    c, a = write(tmp_path, MRN_COURSES, MRN_ASSESSMENTS)
    first = prepare_import(c, a)
    without = prepare_import(c, a, previous=first.frames, previous_pseudonymised=True)
    assert not without.ok
    assert "give the key file of its first import" in without.report.problems[0].message
    # The updated file lists the patients in another order and adds one: the key keeps them.
    updated = [MRN_COURSES[2], MRN_COURSES[0], MRN_COURSES[1], course_row(patient_id="55555555")]
    c2, _ = write(tmp_path, updated)
    again = prepare_import(c2, a, key=first.key, previous=first.frames, previous_pseudonymised=True)
    assert again.ok
    assert again.key == {**first.key, "55555555": "P003"}
    assert again.diff.patients.added["patient_id"].tolist() == ["P003"]
    assert again.diff.patients.changed.empty and again.diff.courses.changed.empty


def test_switching_from_study_codes_to_pseudonyms_is_refused(tmp_path):
    c, a = write(tmp_path, MRN_COURSES, MRN_ASSESSMENTS)
    first = prepare_import(c, a, study_codes=True)
    r = prepare_import(c, a, previous=first.frames, previous_pseudonymised=False)
    assert not r.ok and "--study-codes" in r.report.problems[0].message


DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _every_cell_text(frames) -> str:
    parts = []
    for frame in (frames.patients, frames.courses, frames.assessments):
        parts += [str(c) for c in frame.columns]
        parts += [str(v) for v in frame.astype(object).to_numpy().ravel()]
    return "\n".join(parts)


def test_no_input_date_is_in_the_frames_or_the_report(tmp_path):
    """Every cell of the returned frames, every notice and the mapping are scanned for every date
    string of the input files."""
    from plexrt.ingest.synth import example_series

    reg = example_series()
    c, a = tmp_path / "c.csv", tmp_path / "a.csv"
    reg.courses.to_csv(c, index=False)
    reg.assessments.to_csv(a, index=False)
    dates = set(DATE.findall(c.read_text())) | set(DATE.findall(a.read_text()))
    assert len(dates) > 100
    r = prepare_import(c, a)
    assert r.ok
    text = _every_cell_text(r.frames) + "\n".join(r.report.notices) + str(r.mapping)
    assert not [x for x in dates if x in text]
    assert not DATE.search(text)
    for frame in (r.frames.patients, r.frames.courses, r.frames.assessments):
        assert not any(str(t).startswith("datetime") for t in frame.dtypes)


def test_codes_outside_ascii_among_ascii_ones_are_judged_each_on_its_own():
    n, m = d.codes_may_identify(pd.Series(["P01", "山田 太郎", None, "１２３４５６７", "C3-01234"]))
    assert n.tolist() == [False, False, False, True, False]
    assert m.tolist() == [False, True, False, False, False]


def test_a_key_code_respelled_in_an_update_is_refused_not_a_second_patient(tmp_path):
    """The update spells 10203040 in full-width digits: a new pseudonym would store one patient
    under two. Refused, naming both spellings; the key's own spelling is matched as before."""
    c, a = write(tmp_path, MRN_COURSES, MRN_ASSESSMENTS)
    first = prepare_import(c, a)
    wide = "\uff11\uff10\uff12\uff10\uff13\uff10\uff14\uff10"  # １０２０３０４０
    c2, a2 = write(
        tmp_path,
        [row.replace("10203040", wide) for row in MRN_COURSES],
        [row.replace("10203040", wide) for row in MRN_ASSESSMENTS],
    )
    r = prepare_import(c2, a2, key=first.key, previous=first.frames, previous_pseudonymised=True)
    assert not r.ok and r.key is None
    assert any(
        p.message.startswith(f"patient code '{wide}' is the key's '10203040' written with other")
        for p in r.report.problems
    ), r.report.problems


# ---- Study codes written like calendar dates ---------------------------------------------------


@pytest.mark.parametrize(
    ("code", "dated"),
    [
        ("12.03.56", True),
        ("1956-03-12", True),
        ("12/03/1956", True),
        ("3/7/56", True),
        ("pt 12-03-1956", True),
        ("１２.０３.５６", True),  # full-width digits
        ("S001", False),
        ("P-12", False),
        ("CTR2-017", False),
        ("C3-01234", False),
        ("2-1-5", False),
        ("12", False),
        ("S1.2", False),
        # a letter glued on does not make a date safe to keep ('S12.03.56'): a centre's code of
        # that shape is refused too, and the user is offered pseudonyms instead
        ("S12.03.56", True),
        ("12.03.56b", True),
        ("CTR2-01-17", True),
        ("pt_12.03.56", True),
    ],
)
def test_codes_written_like_dates(code, dated):
    assert d.codes_like_dates(pd.Series([code, None, "S01"])).tolist() == [dated, False, False]


DATED = [r.replace("S01", "12.03.56").replace("S02", "1956-03-12") for r in GOOD_COURSES]
DATED_ASSESSMENTS = [
    r.replace("S01", "12.03.56").replace("S02", "1956-03-12") for r in GOOD_ASSESSMENTS
]


def test_study_codes_written_like_dates_are_refused_naming_every_row(tmp_path):
    """Confirmed as study codes, '12.03.56' was stored as written (a patient's birth date kept for
    good). Now every row holding such a code is refused by file, line and column, without its
    value, together with the file's other problems; the same codes not confirmed as study codes
    are replaced by pseudonyms, as before; codes such as S001 are kept."""
    c, a = write(
        tmp_path, [*DATED, course_row(patient_id="S001", nrs_before="11")], DATED_ASSESSMENTS
    )
    r = prepare_import(c, a, study_codes=True)
    assert not r.ok
    got = [(p.file, p.line, p.column, p.message, p.value) for p in r.report.problems]
    lines = [("assessments.csv", n) for n in (2, 3, 4, 5)] + [("courses.csv", n) for n in (2, 3, 4)]
    dated = [(f, line, "patient_id", DATED_CODE, "") for f, line in lines]
    assert [g for g in got if g[2] == "patient_id"] == dated
    assert [g[1:3] for g in got if g[2] != "patient_id"] == [(5, "nrs_before")]
    assert "give the patient a code that is not a date" in DATED_CODE
    replaced = prepare_import(*write(tmp_path, DATED, DATED_ASSESSMENTS))
    assert replaced.ok and replaced.pseudonymised
    assert set(replaced.frames.patients["patient_id"]) == {"P001", "P002"}
    kept = prepare_import(*write(tmp_path, [course_row(patient_id="S001")]), study_codes=True)
    assert kept.ok and list(kept.frames.patients["patient_id"]) == ["S001"]
