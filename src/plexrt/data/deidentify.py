"""De-identification of an own series before anything is stored.

- Dates -> whole days from the patient's first RT start (day 0); the dates themselves, including
  the first RT start, are never kept.
- Columns whose header names a direct identifier (HIPAA Safe Harbor, 45 CFR 164.514(b)(2)) are
  refused, whatever the column would be used for: the file must not carry them at all.
- Ages over 89 are stored as 90 with ``age_90_plus`` (Safe Harbor aggregates ages over 89).
- Patient codes that may be hospital numbers (or other identifiers) are replaced by series-local
  pseudonyms P001, P002, ... unless the user confirms they are study codes. The key (original ->
  pseudonym) is given to the user once and never stored; a later import of the same series needs
  it to match its patients. Codes kept as study codes are stored as written: one written like a
  calendar date ('12.03.56') is refused by the import (``codes_like_dates``).

The header check is a safety net, not a guarantee: it cannot see an identifier in a column called
'notes' (such columns are ignored, never stored) or a name typed into 'primary_cancer'.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from plexrt.data.csvfile import Problem
from plexrt.data.own_problems import TEXT
from plexrt.data.own_schema import plain_code
from plexrt.data.own_template import AGE_RANGE
from plexrt.data.text_limits import DATE_MESSAGE, looks_like_date

AGE_CAP = 90  # == own_schema.AGE_CAP; ages over 89 are stored as 90 ("90+")

# --- Identifier headers ------------------------------------------------------------------------
# category -> what it is, in the words of the Safe Harbor list
CATEGORIES = {
    "name": "a name",
    "place": "an address or a place smaller than a state (street, city, postcode)",
    "birth": "a date or place of birth",
    "date": "a date related to the patient other than the template's dates (only those are "
    "accepted, and they are converted to days)",
    "phone": "a telephone or fax number",
    "email": "an e-mail address",
    "national": "a social security, national identity or passport number",
    "record": "a medical record, hospital or case number",
    "insurance": "a health-plan, insurance beneficiary or account number",
    "licence": "a licence or certificate number",
    "vehicle": "a vehicle or device identifier or serial number",
    "web": "a web address (URL) or IP address",
    "biometric": "a biometric identifier or a photograph",
}

# Whole words of a header (after accents are dropped and words split at anything not a letter
# or digit), in English, German, French, Spanish, Italian, Dutch and the Nordic languages.
_WORDS = {
    "name": "name names nom nome nombre prenom apellido apellidos cognome naam initials",
    "place": "address street zip plz city town village county ort stadt ville ciudad citta "
    "postcode postal postleitzahl domicile wohnort adresse strasse calle",
    "birth": "dob birth birthday geburtsdatum geburtstag geburtsort naissance nacimiento nascita",
    "phone": "phone telephone tel mobile fax telefon telefono handy cellphone",
    "email": "email mail courriel",
    "national": "ssn nino bsn dni nif nir ahv svnr passport personnummer cpr hetu pesel",
    "record": "mrn urn hospital_number hospital_no hospital_id medical_record record_number "
    "nhs_number nhs_no chi_number case_number fallnummer aufnahmenummer kis_nummer ipp nip "
    "accession",
    "insurance": "insurance_number insurance_no insurance_id iban beneficiary medicare medicaid health_plan account_number "
    "account_no versicherungsnummer versichertennummer krankenversichertennummer",
    "licence": "licence license certificate",
    "vehicle": "vehicle vin imei serial_number license_plate number_plate kennzeichen",
    "web": "url website homepage ip ip_address",
    "biometric": "fingerprint biometric retina iris voiceprint photo foto photograph picture",
}
# Compound spellings that are not separate words ('FirstName', 'dateofbirth', 'Nachname').
_COMPOUNDS = {
    "name": "firstname lastname surname givenname familyname fullname maidenname patientname "
    "nachname vorname",
    "place": "streetaddress postalcode zipcode codepostal codigopostal",
    "birth": "dateofbirth birthdate datedenaissance fechadenacimiento datadinascita",
    "phone": "phonenumber telephonenumber mobilephone",
    "email": "emailaddress",
    "national": "socialsecurity sozialversicherung nationalid nationalinsurance codicefiscale",
    "record": "hospitalnumber medicalrecord nhsnumber",
    "insurance": "insurancenumber healthplan accountnumber creditcard",
    "licence": "driverslicense driverslicence licensenumber licencenumber",
    "vehicle": "licenseplate numberplate serialnumber",
    "web": "ipaddress",
}
# A 'name' column about something other than the patient (drug, cancer, hospital) is not a name
# of the patient.
_NOT_PERSON = set(
    [
        "drug",
        "medication",
        "medicine",
        "cancer",
        "tumour",
        "tumor",
        "regimen",
        "protocol",
        "hospital",
        "centre",
        "center",
        "site",
        "study",
        "file",
        "form",
        "instrument",
        "series",
        "plan",
        "muscle",
        "institution",
        "department",
        "unit",
        "ward",
        "product",
        "brand",
    ]
)
_DATE_WORDS = {"date", "datum", "fecha"}


def _words(header: str) -> list[str]:
    text = unicodedata.normalize("NFKD", str(header).replace("ß", "ss"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"([a-z])([A-Z])", r"\1_\2", text)  # camelCase -> camel_Case
    return re.findall(r"[0-9a-z]+", text.lower())


def identifier_category(header: str) -> str | None:
    """The Safe Harbor category ``header`` names, or None ('DOB' -> 'birth', 'E-mail' ->
    'email', 'Patient Name' -> 'name', 'drug_name' -> None)."""
    words = _words(header)
    joined = f"_{'_'.join(words)}_"
    compact = "".join(words)
    # Most specific first: phrases ('ip_address'), then compounds, then single words.
    for category, text in _WORDS.items():
        if any("_" in w and f"_{w}_" in joined for w in text.split()):
            return category
    for category, text in _COMPOUNDS.items():
        if any(c in compact for c in text.split()):
            return category
    for category, text in _WORDS.items():
        if set(text.split()) & set(words):
            if category == "name" and _NOT_PERSON & set(words):
                continue
            return category
    if _DATE_WORDS & set(words) or compact.endswith(("date", "datum")):
        return "date"
    return None


def identifier_problems(
    label: str, headers: Iterable[str], allowed: Iterable[str]
) -> list[Problem]:
    """One refusal per header that names a direct identifier (template columns excepted)."""
    allowed = {a.lower() for a in allowed}
    problems = []
    for header in headers:
        if str(header).strip().lower() in allowed:
            continue
        category = identifier_category(header)
        if category:
            msg = (
                f"this column looks like {CATEGORIES[category]}, a direct identifier (HIPAA Safe "
                "Harbor). Remove the column from the file and import again: PlexRT never stores "
                "identifiers"
            )
            problems.append(Problem(label, 1, str(header), msg))
    return problems


# --- Patient codes ----------------------------------------------------------------------------
# A code may be a hospital number (or another identifier) when it holds
#  (a) 6 or more digits in a row (hospital/record/national numbers; birth dates as 120356), or
#  (b) 9 or more digits in all (numbers written in groups: '943 476 5919', '123-45-6789'), or
#  (c) something like a date ('1956-03-12', '12.03.56').
# Study codes such as 'P01', '12', 'CTR2-017' or 'C3-01234' hold none of these. Codes that hold an
# '@' (an e-mail address) or two words of letters ('Jane Doe', 'DOE, Jane', 'DOE^JANE' as planning
# systems export names, '山田 太郎': a name) are always replaced, even when the user calls them study
# codes. Digits and letters of every script count ('１２３４５６７' as a Japanese keyboard types a
# number, Arabic-Indic digits): codes outside ASCII are compatibility-normalised (NFKC) and matched
# with Python's Unicode classes; ASCII codes, where both regex engines agree, whole-column in Arrow.
LONG_RUN_DIGITS = 6
_LONG_RUN = rf"\d{{{LONG_RUN_DIGITS},}}"
_DATE_LIKE = r"\d{1,4}[-./]\d{1,2}[-./]\d{1,4}"
_NAME_LIKE = r"@|[^\W\d_]{2,}[ ,^_]+[^\W\d_]{2,}"
_MANY_DIGITS = 9
_UNICODE = tuple(re.compile(p) for p in (_LONG_RUN, _DATE_LIKE, _NAME_LIKE))


def codes_may_identify(codes: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(may be a hospital number, is a name or e-mail) for each code, whole-column."""
    text = codes.astype(object).where(codes.notna(), "").astype(TEXT)

    def has(pattern: str) -> np.ndarray:
        return text.str.contains(pattern, regex=True).to_numpy(dtype=bool, na_value=False)

    digits = text.str.replace(r"\D", "", regex=True).str.len().to_numpy(dtype="int64", na_value=0)
    numberlike = has(_LONG_RUN) | (digits >= _MANY_DIGITS) | has(_DATE_LIKE)
    namelike = has(_NAME_LIKE)
    ascii_only = pc.string_is_ascii(pa.array(text.array)).to_numpy(zero_copy_only=False)
    for i in np.flatnonzero(~ascii_only):
        numberlike[i], namelike[i] = _flags_of(text.iloc[i])
    return numberlike, namelike


def _flags_of(code: str) -> tuple[bool, bool]:
    """``codes_may_identify`` of one code outside ASCII."""
    text = unicodedata.normalize("NFKC", code)
    long_run, date_like, name_like = (bool(p.search(text)) for p in _UNICODE)
    many = sum(ch.isdecimal() for ch in text) >= _MANY_DIGITS
    return long_run or many or date_like, name_like


# A code kept as a study code is stored as written: one written like a calendar date ('12.03.56',
# '1956-03-12', '12/03/1956', a birth date used as a code) would keep a patient's date for good.
# Such a code is a day, month and year (two or four digits) joined by '-', '.' or '/', in either
# order, with no digit before or after; 'S001', 'P-12', 'CTR2-017' and 'C3-01234' are none. A
# letter may stand before or after: 'S12.03.56' is a birth date with a prefix, so a centre's code
# of the same shape ('CTR2-01-17') is refused too; the message offers pseudonyms instead. This is
# the firm refusal of a code the user keeps; ``_DATE_LIKE`` above is the wider suspicion that
# makes a code be replaced by a pseudonym unless the user confirms it is a study code.
_CODE_DATE = re.compile(
    r"(?:^|\D)(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./](?:\d{4}|\d{2}))(?:\D|$)"
)


def codes_like_dates(codes: pd.Series) -> np.ndarray:
    """Whether each code is written like a calendar date (full-width and other scripts' digits
    count: NFKC, as above); each distinct code is judged once."""
    distinct = codes.dropna().astype(str).unique()
    dated = {c for c in distinct if _CODE_DATE.search(unicodedata.normalize("NFKC", c))}
    return codes.isin(dated).to_numpy(dtype=bool)


# Free text kept with a patient (a primary cancer, an opioid's name, a board case's cancer) is no
# place for an identifier, and two kinds can be seen there: an e-mail address, and a number as long
# as a hospital, NHS, insurance or telephone number (the code rule above: 6 or more digits in a
# row, 9 or more in all). No cancer or drug name holds either. A name typed there cannot be seen.
IDENTIFIER_MESSAGE = (
    "holds an e-mail address or a number as long as a hospital, NHS or telephone number "
    "(identifiers are never stored)"
)


def identifier_in_text(text: str) -> bool:
    """Whether free text (not a patient code) holds an e-mail address or an identifying number;
    full-width and other scripts' digits count (NFKC, as for codes)."""
    plain = unicodedata.normalize("NFKC", text)
    if "@" in plain or _UNICODE[0].search(plain):
        return True
    return sum(ch.isdecimal() for ch in plain) >= _MANY_DIGITS


def private_text_problem(text: str) -> str | None:
    """Why free text kept with a patient cannot be stored (a calendar date, then an identifier),
    or None: the one check of a primary cancer or an opioid's name, imported or typed."""
    if looks_like_date(text):
        return DATE_MESSAGE
    if identifier_in_text(text):
        return IDENTIFIER_MESSAGE
    return None


_PSEUDONYM = re.compile(r"P(\d+)")


def assign_pseudonyms(codes: Iterable[str], key: Mapping[str, str] | None = None) -> dict[str, str]:
    """The key {original code: pseudonym} for ``codes`` (in order of first appearance), keeping
    every entry of an earlier ``key`` and numbering new patients after its highest pseudonym."""
    out = dict(key or {})
    used = [int(m.group(1)) for p in out.values() if (m := _PSEUDONYM.fullmatch(p))]
    n = max(used, default=0)
    new = [c for c in dict.fromkeys(codes) if c not in out]
    width = max(3, len(str(n + len(new))))
    for code in new:
        n += 1
        out[code] = f"P{n:0{width}d}"
    return out


def key_respellings(codes: Iterable[str], key: Mapping[str, str]) -> dict[str, str]:
    """{code: the key's code} for codes not in ``key`` that are a code of it written with other
    characters (``own_schema.plain_code``): given a new pseudonym, one patient would be stored
    under two."""
    known = {plain_code(c): c for c in key}
    return {
        c: known[plain_code(c)]
        for c in dict.fromkeys(codes)
        if c not in key and plain_code(c) in known
    }


KEY_HEADER = ("original_code", "pseudonym")


def key_csv(key: Mapping[str, str]) -> bytes:
    """The key as CSV (original_code, pseudonym), for the user to keep: PlexRT never stores it."""
    buf = io.StringIO()
    w = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")
    w.writerow(KEY_HEADER)
    pairs: list[tuple[str, str]] = sorted(key.items(), key=lambda kv: (len(kv[1]), kv[1]))
    w.writerows(pairs)
    return buf.getvalue().encode("utf-8")


def read_key(data: bytes, label: str) -> tuple[dict[str, str], list[Problem]]:
    """A key file written by ``key_csv`` -> {original: pseudonym}, or the problems with it."""
    try:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), strict=True))
    except (UnicodeDecodeError, csv.Error) as exc:
        return {}, [Problem(label, None, None, f"is not a key file written by PlexRT ({exc})")]
    if not rows or tuple(h.strip() for h in rows[0]) != KEY_HEADER:
        msg = f"is not a key file written by PlexRT (header must be {','.join(KEY_HEADER)})"
        return {}, [Problem(label, 1, None, msg)]
    key: dict[str, str] = {}
    problems = []
    seen: set[str] = set()
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != 2 or not _PSEUDONYM.fullmatch(row[1].strip()) or not row[0].strip():
            problems.append(Problem(label, line, None, "not a pair of code and pseudonym (P001)"))
            continue
        code, pseudo = row[0].strip(), row[1].strip()
        if key.get(code, pseudo) != pseudo or (pseudo in seen and key.get(code) != pseudo):
            problems.append(Problem(label, line, None, "a code or pseudonym appears twice"))
            continue
        key[code] = pseudo
        seen.add(pseudo)
    return key, problems


def merge_keys(
    keys: Iterable[dict[str, str]], label: str = "key"
) -> tuple[dict[str, str], list[Problem]]:
    """Several key files (from earlier imports) as one; a code or pseudonym given two different
    partners is a problem."""
    out: dict[str, str] = {}
    back: dict[str, str] = {}
    problems = []
    for key in keys:
        for code, pseudo in key.items():
            if out.get(code, pseudo) != pseudo or back.get(pseudo, code) != code:
                msg = "the key files disagree about a patient (a code or pseudonym twice)"
                problems.append(Problem(label, None, None, msg))
                return out, problems
            out[code], back[pseudo] = pseudo, code
    return out, problems


# --- Dates and ages ---------------------------------------------------------------------------


def days_from(dates: pd.Series, day0: pd.Series) -> pd.Series:
    """Whole days from ``day0`` (the patient's first RT start) to each date; NaN when unknown."""
    return (dates - day0).dt.days.astype("float64")


def cap_age(age: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(stored age, age_90_plus): an age over 89 becomes 90 with the flag set; others unchanged.
    Ages outside the plausible range are left for the validation to report."""
    over = (age > AGE_CAP - 1) & (age <= AGE_RANGE[1])
    return age.where(~over, float(AGE_CAP)), over.fillna(False).astype(bool)
