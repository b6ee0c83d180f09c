"""The tumour board's domain: what it states about the cohort, and the case at the board.

- ``summary``: the board's inputs, cohort and data-source lines, relapse curves, key figures.
- ``case``: the patient under discussion (``Case``) and the validation of the case form.
- ``similarity``: the rule-of-thumb similarity score and the most similar sites of the series.
- ``position``: where the patient's baseline pain and dose sit within the series.
- ``benchmarks``: the published series of the patient's population.
- ``doses``: the sites' EQD2 and regimen as the matcher compares and words them.

The board's figures are drawn one layer up, in ``plexrt.export.slides``.
"""
