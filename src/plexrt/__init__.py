"""PlexRT: radiotherapy outcomes for malignant lumbosacral plexopathy.

Pure, importable code. Only ``plexrt.ui`` imports streamlit.
"""

__version__ = "0.1.0"
