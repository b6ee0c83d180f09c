"""`make team-demo`: a team deployment on this machine, to try sign-in, roles and sharing.

Starts a throw-away PostgreSQL server (Debian's package, data in a temporary folder), the OpenID
Connect test provider (oidc-provider-mock) with two demo users, and two PlexRT replicas on two local
ports that share the PostgreSQL user store; prints how to sign in; Ctrl-C stops everything and
removes the demo database. Nothing here is for production: see docs/deployment.md.
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import teamstack as ts  # noqa: E402 -- after the path is set
from tests.pgserver import PgServer, find_bin  # noqa: E402

EDITOR = {"sub": "ann@plexrt.demo", "email": "ann@plexrt.demo", "name": "Ann (editor)"}
VIEWER = {"sub": "bob@plexrt.demo", "email": "bob@plexrt.demo", "name": "Bob (viewer)"}
ROLES = f"""# Demo roles: Ann edits, everyone else (Bob) views.
default = "viewer"

[email]
"{EDITOR["email"]}" = "editor"
"""


def _port(preferred: int) -> int:
    import socket

    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", preferred))
        except OSError:
            return ts.free_port()
    return preferred


def main() -> int:
    if find_bin() is None:
        print(
            "PostgreSQL is not installed: run `make postgres` (Debian's package).", file=sys.stderr
        )
        return 1
    work = Path(tempfile.mkdtemp(prefix="plexrt-team-demo-"))
    procs = []
    pg = PgServer().start()
    try:
        user_db = pg.new_database()
        idp_port = _port(9400)
        procs.append(ts.start_idp(idp_port, [EDITOR, VIEWER], work / "idp.log"))
        roles = work / "roles.toml"
        roles.write_text(ROLES, encoding="utf-8")
        cookie = ts.new_cookie_secret()  # the same on every replica (one cookie for the team)
        env = {"PLEXRT_USER_DB": user_db}
        apps = []
        for preferred in (8601, 8602):
            port = _port(preferred)
            secrets = ts.write_secrets(
                work / f"secrets-{port}.toml",
                app_port=port,
                idp_port=idp_port,
                cookie_secret=cookie,
                roles_file=roles,
            )
            procs.append(ts.start_app(port, secrets, env, work / f"app-{port}.log"))
            apps.append(port)
        print(
            "\nPlexRT team demo is running (Ctrl-C stops everything).\n"
            f"  PostgreSQL user store:  {user_db}\n"
            f"  Identity provider:      http://127.0.0.1:{idp_port}\n"
            + "".join(f"  PlexRT replica:         http://127.0.0.1:{p}\n" for p in apps)
            + "\nOpen a replica, press 'Sign in', and on the provider's page press one of\n"
            f"  {EDITOR['sub']}  (editor: imports and shares series)\n"
            f"  {VIEWER['sub']}  (viewer: sees what is shared with them)\n"
            "Use a private window for the second person (one browser keeps one sign-in).\n"
            "The replicas share the user store: a series imported on one is on the other. Here each\n"
            "has its own address, so you sign in on each; behind a reverse proxy they share one.\n"
            f"Audit trail:  .venv/bin/plexrt audit verify --user-db {user_db}\n"
            f"Logs and generated secrets: {work}\n"
        )
        # Ctrl-C (even when started from a shell that ignores it for background jobs) or TERM.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        while all(p.poll() is None for p in procs):
            time.sleep(1)
        print("A demo process stopped; see the logs in", work, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping the demo…")
        return 0
    finally:
        for p in reversed(procs):
            ts.stop(p)
        pg.stop()
        for f in work.glob("secrets-*.toml"):
            os.remove(f)  # the cookie secret is not left behind


if __name__ == "__main__":
    sys.exit(main())
