"""A team deployment on this machine, for the sign-in browser tests and ``make team-demo``: the
OpenID Connect test provider (``oidc-provider-mock``) and PlexRT app servers with sign-in
configured, each on a free port of 127.0.0.1, each in its own process group.

Every process started here is stopped by ``stop`` (TERM to its group, then KILL); under Linux the
children also die with the process that started them.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]
START_S = 90  # a cold start on a busy CI machine imports plotly, scipy, lifelines
STOP_S = 10
CLIENT_ID = "plexrt"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _die_with_parent() -> None:
    """In the child before exec (Linux): SIGTERM when the parent dies, even by SIGKILL."""
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _spawn(cmd: list[str], log: IO, env: Mapping[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        cmd,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=_die_with_parent if sys.platform == "linux" else None,
    )


def stop(proc: subprocess.Popen) -> None:
    """Stop a process started here and anything it started: TERM, then KILL."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=STOP_S)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=STOP_S)


def wait_ready(proc: subprocess.Popen, url: str, what: str, log_path: Path) -> None:
    deadline = time.monotonic() + START_S
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with code {proc.returncode}; see {log_path}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not answer within {START_S} s; see {log_path}")
        time.sleep(0.3)


def start_idp(
    port: int, users: Iterable[Mapping[str, object]], log_path: Path, token_max_age_s: int = 3600
) -> subprocess.Popen:
    """``python -m oidc_provider_mock`` with these users (claims JSON with "sub") and identity
    tokens that expire ``token_max_age_s`` after they are issued."""
    cmd = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--token-max-age", str(int(token_max_age_s))]
    for claims in users:
        cmd += ["--user-claims", json.dumps(dict(claims))]
    log = open(log_path, "w")  # noqa: SIM115 -- the child writes to it for its whole life
    proc = _spawn(cmd, log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(
            proc, f"{base}/.well-known/openid-configuration", "the identity provider", log_path
        )
    except RuntimeError:
        stop(proc)
        raise
    return proc


def write_secrets(
    path: Path, *, app_port: int, idp_port: int, cookie_secret: str, roles_file: Path | None
) -> Path:
    """The ``secrets.toml`` of one app server (what docs/deployment.md tells IT to write)."""
    lines = [
        "[auth]",
        f'redirect_uri = "http://127.0.0.1:{app_port}/oauth2callback"',
        f'cookie_secret = "{cookie_secret}"',
        f'client_id = "{CLIENT_ID}"',
        'client_secret = "test-provider-accepts-any-secret"',
        f'server_metadata_url = "http://127.0.0.1:{idp_port}/.well-known/openid-configuration"',
        'expose_tokens = "id"',
    ]
    if roles_file is not None:
        lines += ["", "[plexrt]", f'roles_file = "{roles_file}"']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def new_cookie_secret() -> str:
    return secrets.token_hex(32)


@contextlib.contextmanager
def app_server(
    env: Mapping[str, str], log_path: Path, secrets_file: Path | None = None
) -> Iterator[str]:
    """``start_app`` on a free port; yields its base URL and stops it whatever happens."""
    port = free_port()
    proc = start_app(port, secrets_file, env, log_path)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)


def start_app(
    port: int, secrets_file: Path | None, env: Mapping[str, str], log_path: Path
) -> subprocess.Popen:
    """``streamlit run app.py`` on 127.0.0.1:``port`` reading ``secrets_file`` (None: no sign-in)."""
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py")]
    cmd += ["--server.headless", "true", "--server.address", "127.0.0.1"]
    cmd += ["--server.port", str(port), "--browser.gatherUsageStats", "false"]
    cmd += ["--server.fileWatcherType", "none"]
    if secrets_file is not None:
        cmd += ["--secrets.files", str(secrets_file)]
    log = open(log_path, "w")  # noqa: SIM115 -- the child writes to it for its whole life
    proc = _spawn(cmd, log, env)
    try:
        wait_ready(proc, f"http://127.0.0.1:{port}/_stcore/health", "streamlit", log_path)
    except RuntimeError:
        stop(proc)
        raise
    return proc
