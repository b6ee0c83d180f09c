"""What the app's Streamlit settings promise: the browser's upload limit is the import's own limit
(a larger file is refused by the app's uploader with Streamlit's words, never half-read), and
tables leave only through PlexRT's downloads."""

from __future__ import annotations

import tomllib

from plexrt.data.own_template import MAX_FILE_BYTES
from tests.conftest import ROOT


def test_upload_limit_matches_the_import():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == MAX_FILE_BYTES


def test_tables_leave_only_through_plexrt_downloads():
    # Streamlit's table toolbar would export a cell '=HYPERLINK(...)' as a live formula and
    # without an audit entry; PlexRT's downloads (plexrt.ui.exports, export.tabular.safe_csv) do
    # neither.
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["disableDataExport"] is True
