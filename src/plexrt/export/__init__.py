"""Exports of what is on screen: one package, one module per kind of file.

- ``tabular``: CSV downloads (``safe_csv``), text a spreadsheet would execute neutralised; the
  tables of the report, handout and pack with every unknown as a dash (``html_table``, ``shown_cell``).
- ``renderer``: the headless Chromium (kaleido) that draws PNG/SVG and prints PDF.
- ``rendering``: the process's one renderer, started on first use and kept; images cached by
  content, batches drawn in parallel.
- ``images``: PNG/SVG of one figure and the data-source ``stamp``.
- ``report``: the self-contained HTML report (``html_report``, ``Section``).
- ``board_pack`` (with ``pptx_parts``): the PPTX board pack.
- ``handout`` (with ``print_style``): the one-page greyscale handout, print HTML and PDF.
- ``case_material``: the patient at the board as every export states it.
- ``slides``: the tumour board's figures, one per slide, and the report's tables.
"""
