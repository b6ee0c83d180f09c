"""Issue 15 in Chromium, through the real OpenID Connect flow: the test identity provider
(oidc-provider-mock, on 127.0.0.1) and a PlexRT server with sign-in configured by a generated
secrets.toml, on DuckDB and on PostgreSQL.

Ann (editor) signs in and owns a private series; Bob (viewer) signs in and cannot see it by any
page, address parameter or export; Ann shares it with Bob from the Series & sharing page; Bob then
sees it read-only; the admin's Audit trail page shows all of it and exports it (CSV, itself
recorded); ``plexrt audit verify`` passes, then fails after a row is altered by hand.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests import teamstack as ts
from tests.e2e.conftest import ACTION_MS, NAVIGATION_MS, settle, shot

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "data" / "examples" / "SYNTHETIC_example_courses.csv"
ANN = {"sub": "ann@h.example", "email": "ann@h.example", "name": "Ann Editor"}
BOB = {"sub": "bob@h.example", "email": "bob@h.example", "name": "Bob Viewer"}
BOSS = {"sub": "boss@h.example", "email": "boss@h.example", "name": "Boss Admin"}
ROLES = """
[email]
"ann@h.example" = "editor"
"boss@h.example" = "admin"
"""  # Bob is not named: the default role, viewer
SERIES = "Ann private series"
SETTLE_MS = 90_000  # a page run on a shared 2-core machine with other servers busy
PAGES = [
    *("", "pain", "time_to_event", "literature", "board", "data"),
    *("own_import", "follow_up", "sharing", "audit"),
]


@pytest.fixture(scope="module")
def idp(tmp_path_factory):
    log = tmp_path_factory.mktemp("idp") / "idp.log"
    port = ts.free_port()
    proc = ts.start_idp(port, [ANN, BOB, BOSS], log)
    yield port
    ts.stop(proc)


@pytest.fixture(params=["duckdb", "postgresql"])
def team(request, idp, test_db, tmp_path):
    """A PlexRT server with sign-in, its roles file and its own user database on one backend."""
    if request.param == "duckdb":
        target = str(tmp_path / "user.duckdb")
    else:
        target = request.getfixturevalue("pg_server").new_database()
    roles = tmp_path / "roles.toml"
    roles.write_text(ROLES, encoding="utf-8")
    port = ts.free_port()
    secrets = ts.write_secrets(
        tmp_path / "secrets.toml",
        app_port=port,
        idp_port=idp,
        cookie_secret=ts.new_cookie_secret(),
        roles_file=roles,
    )
    env = {"PLEXRT_DB": str(test_db), "PLEXRT_USER_DB": target}
    log = ROOT / "test-artifacts" / f"streamlit-team-{request.param}.log"
    proc = ts.start_app(port, secrets, env, log)
    yield f"http://127.0.0.1:{port}", target, request.param
    ts.stop(proc)


def _context(browser):
    ctx = browser.new_context(accept_downloads=True)
    ctx.set_default_timeout(ACTION_MS)
    ctx.set_default_navigation_timeout(NAVIGATION_MS)
    return ctx


def sign_in(browser, base: str, who: dict):
    """A new browser (own cookies) that signs ``who`` in at the identity provider."""
    page = _context(browser).new_page()
    page.goto(base)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name=who["sub"], exact=True).click()  # the provider's form
    expect(page.get_by_text(f"Signed in as {who['name']}")).to_be_visible(timeout=60_000)
    settle(page, timeout=SETTLE_MS)
    return page


def _goto(page, base: str, path: str) -> None:
    page.goto(f"{base}/{path}")
    settle(page, timeout=SETTLE_MS)


def _import(page, base: str, series: str = SERIES) -> None:
    """The synthetic example through the Import page, stored as ``series`` with its study codes."""
    _goto(page, base, "own_import")
    page.get_by_role("button", name="Try the synthetic example").click()
    settle(page, timeout=SETTLE_MS)
    name = page.get_by_label("Series name")
    name.fill(series)
    name.press("Enter")
    settle(page, timeout=SETTLE_MS)
    page.get_by_text("The patient codes are study codes, not hospital numbers: keep them").click()
    settle(page, timeout=SETTLE_MS)
    page.get_by_role("button", name="Commit: store the series").click()
    settle(page, timeout=SETTLE_MS)


def _stored(target: str) -> tuple[str, list[str]]:
    """The series' id and patient codes, read from the store as an admin."""
    from plexrt.data.access import Principal
    from plexrt.data.userstore import UserStore
    from plexrt.data.userstore import engine as eng

    admin = Principal("test-admin", "admin")
    store = UserStore(target)
    listing = store.own_series(admin)
    assert list(listing["name"]) == [SERIES] and list(listing["owner"]) == ["ann@h.example"]
    sid = str(listing["series_id"].iloc[0])
    patients = sorted(set(store.series_frames(admin, sid).patients["patient_id"]))
    eng.release(eng.locate(target))
    return sid, patients


def _download(page, button: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    return Path(info.value.path()).read_bytes()


def _bob_sees_nothing(bob, base: str, sid: str, patients: list[str]) -> None:
    # every page, asked for the series by its id in the address (the series switcher), alone and
    # in compare mode
    for path in [*PAGES, f"{PAGES[0]}?series=compare&vs={sid}"]:
        _goto(bob, base, path if "?" in path else f"{path}?series={sid}")
        body = bob.locator('[data-testid="stApp"]').inner_text()
        assert SERIES not in body, path
        assert not any(p in body for p in patients), path
    _goto(bob, base, f"sharing?manage={sid}")
    expect(bob.get_by_text("There is no own series you can see.")).to_be_visible()
    _goto(bob, base, "")
    exported = _download(bob, "Download this table (CSV)").decode("utf-8-sig")
    assert not any(p in exported for p in patients)


def _verify(target: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).with_name("plexrt")), "audit", "verify", "--user-db", target],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )


def _tamper(target: str) -> None:
    """Alter one entry by hand, as someone with write access to the database would (on
    PostgreSQL after switching off the trigger that refuses it); retried while the server holds
    the DuckDB file."""
    from plexrt.data.userstore import engine as eng

    loc = eng.locate(target)
    deadline = time.monotonic() + 30
    while True:
        try:
            with eng.engine(loc).begin() as conn:
                if loc.is_postgres:
                    conn.execute(sa.text("ALTER TABLE audit DISABLE TRIGGER USER"))
                conn.execute(sa.text("UPDATE audit SET actor = 'mallory' WHERE seq = 2"))
                if loc.is_postgres:
                    conn.execute(sa.text("ALTER TABLE audit ENABLE TRIGGER USER"))
            break
        except sa.exc.OperationalError:
            eng.release(loc)
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    eng.release(loc)


@pytest.mark.timeout(900)  # four sign-ins and some twenty page loads on a shared 2-core machine
def test_private_shared_read_only_and_audited(browser, team):
    base, target, backend = team
    ann = sign_in(browser, base, ANN)
    _import(ann, base)
    expect(ann.get_by_text(f"Created the series '{SERIES}'")).to_be_visible()
    sid, patients = _stored(target)
    _goto(ann, base, "sharing")
    expect(ann.get_by_text(f"{SERIES} · owner ann@h.example · private")).to_be_visible()
    shot(ann, f"team-{backend}-ann-private")

    bob = sign_in(browser, base, BOB)
    _bob_sees_nothing(bob, base, sid, patients)

    # Ann shares it with Bob (read only) on the Series & sharing page.
    _goto(ann, base, "sharing")
    ann.get_by_label("Share with (e-mail address, user id, or group:<name>)").fill("bob@h.example")
    ann.get_by_role("button", name="Share", exact=True).click()
    expect(ann.get_by_text("Shared with bob@h.example.")).to_be_visible()

    _goto(bob, base, f"sharing?manage={sid}")
    expect(
        bob.get_by_text(f"{SERIES} · owner ann@h.example · shared with named users")
    ).to_be_visible()
    expect(bob.get_by_text("You can read it only.")).to_be_visible()
    expect(bob.get_by_role("button", name="Share", exact=True)).to_have_count(0)
    expect(bob.get_by_role("button", name="Save sharing")).to_have_count(0)
    expect(bob.get_by_role("link", name="Audit trail")).to_have_count(0)
    shot(bob, f"team-{backend}-bob-read-only")
    courses = _download(bob, "Download its courses (CSV, patient-level)").decode("utf-8-sig")
    assert set(patients) <= {r["patient_id"] for r in csv.DictReader(io.StringIO(courses))}
    # The own series in view on the Cohort page: its CSV is a patient-level export, recorded.
    _goto(bob, base, f"?series={sid}")
    cohort = _download(bob, "Download this table (CSV)").decode("utf-8-sig")
    assert patients[0] in cohort
    # Read-only: no follow-up, no import.
    _goto(bob, base, "follow_up")
    expect(
        bob.get_by_text("You may read this series but not record follow-up in it.")
    ).to_be_visible()
    _import(bob, base, "Bob tries a series of his own")
    expect(bob.get_by_text("(role viewer) may not")).to_be_visible()
    shot(bob, f"team-{backend}-bob-import-refused")

    boss = sign_in(browser, base, BOSS)
    _goto(boss, base, "audit")
    expect(boss.get_by_text("Audit trail intact")).to_be_visible()
    rows = list(
        csv.DictReader(
            io.StringIO(_download(boss, "Download these entries (CSV)").decode("utf-8-sig"))
        )
    )
    shot(boss, f"team-{backend}-audit")
    seen = [(r["actor"], r["action"], r["series_id"]) for r in reversed(rows)]
    assert seen[:2] == [("ann@h.example", "sign_in", ""), ("ann@h.example", "import", sid)]
    assert ("bob@h.example", "sign_in", "") in seen
    assert ("ann@h.example", "sharing", sid) in seen
    assert ("boss@h.example", "sign_in", "") in seen
    assert seen.count(("bob@h.example", "export", sid)) == 2  # courses CSV, cohort CSV
    exports = [r["detail"] for r in rows if r["action"] == "export" and r["series_id"] == sid]
    assert any('"what":"cohort CSV"' in d for d in exports)
    assert not [e for e in seen if e[0] == "bob@h.example" and e[1] in ("import", "follow_up")]
    # The CSV download was itself recorded, after the rows it holds.
    _goto(boss, base, "audit")
    expect(boss.get_by_text(f"Entries 1–{len(rows) + 1} of {len(rows) + 1}")).to_be_visible()

    assert _verify(target).returncode == 0
    _tamper(target)
    broken = _verify(target)
    assert broken.returncode == 1
    assert "BROKEN at entry 2" in broken.stderr
    _goto(boss, base, "audit")
    expect(boss.get_by_text("Audit trail BROKEN at entry 2")).to_be_visible()
    for p in (ann, bob, boss):
        p.context.close()


TOKEN_S = 45  # identity tokens of the short-lived provider expire this long after issue


@pytest.fixture
def short_lived(test_db, tmp_path):
    """A provider whose identity tokens expire after TOKEN_S seconds, and a server using it."""
    idp_port, port = ts.free_port(), ts.free_port()
    idp = ts.start_idp(idp_port, [ANN], tmp_path / "idp.log", token_max_age_s=TOKEN_S)
    secrets = ts.write_secrets(
        tmp_path / "secrets.toml",
        app_port=port,
        idp_port=idp_port,
        cookie_secret=ts.new_cookie_secret(),
        roles_file=None,
    )
    env = {"PLEXRT_DB": str(test_db), "PLEXRT_USER_DB": str(tmp_path / "user.duckdb")}
    app = ts.start_app(port, secrets, env, ROOT / "test-artifacts" / "streamlit-team-short.log")
    yield f"http://127.0.0.1:{port}"
    ts.stop(app)
    ts.stop(idp)


def test_sign_out_and_an_expired_token(browser, short_lived):
    base = short_lived
    page = sign_in(browser, base, ANN)  # no roles file: every signed-in person is a viewer
    expect(page.get_by_text("Signed in as Ann Editor · role viewer")).to_be_visible()
    # The token was issued before this moment and expires TOKEN_S after it was issued: a page
    # load TOKEN_S + 1 s from now finds it expired.
    page.wait_for_timeout((TOKEN_S + 1) * 1000)
    page.reload()
    expect(page.get_by_text("Your sign-in has expired")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("button", name="Sign in again")).to_be_visible()
    assert page.get_by_text("Irradiated sites").count() == 0
    shot(page, "team-expired")
    # Signing in again gives a fresh token; "Sign out" ends the session at the provider too.
    page.get_by_role("button", name="Sign in again").click()
    page.get_by_role("button", name=ANN["sub"], exact=True).click()
    expect(page.get_by_text("Signed in as Ann Editor")).to_be_visible(timeout=60_000)
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="End session").click()  # the provider's confirmation
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=60_000)
    assert page.get_by_text("Signed in as").count() == 0
    page.context.close()
