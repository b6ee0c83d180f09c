"""Exports of what is on screen: one package, one module per kind of file.

- ``tabular``: CSV downloads (``safe_csv``), text a spreadsheet would execute neutralised.
- ``images``: PNG/SVG through a headless Chromium (``Renderer``) and the data-source ``stamp``.
- ``report``: the self-contained HTML report (``html_report``, ``Section``).
- ``board_pack``: the PPTX board pack.
- ``slides``: the tumour board's figures, one per slide, and the report's tables.
"""
