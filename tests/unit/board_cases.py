"""The series and the patient the board tests work with, by hand from Table 1 of Sanuki 2022.

sanuki2022-cureus.md) with the arithmetic in a comment. EQD2 (alpha/beta 10) = D (d + 10) / 12:
  39 Gy/13  d 3.0  -> 39 x 13 / 12     = 42.25   (sites 1.1, 1.2, 10.1)
  30 Gy/10  d 3.0  -> 30 x 13 / 12     = 32.50   (sites 7.1, 9.1, 11.1)
  54 Gy/30  d 1.8  -> 54 x 11.8 / 12   = 53.10   (sites 2.1, 8.1)
  59.4/33   d 1.8  -> 59.4 x 11.8 / 12 = 58.41   (sites 3.1, 6.1)
  60 Gy/30  d 2.0  -> 60 x 12 / 12     = 60.00   (site 4.1)
  21 Gy/7   d 3.0  -> 21 x 13 / 12     = 22.75   (site 5.1)
Table 1 (site: primary/group, muscle, intent, NRS before):
  1.1 ovarian/gyn psoas P 9 | 1.2 ovarian/gyn psoas P 8 | 2.1 endometrial/gyn piriformis LC 4
  3.1 cervical/gyn psoas LC 3 | 4.1 urachal/uro psoas P 8 | 5.1 cervical/gyn psoas LC 4
  6.1 cervical/gyn piriformis LC 5 | 7.1 ureteral/uro psoas P 4 | 8.1 rectal/GI piriformis LC 3
  9.1 bladder/uro psoas P 4 | 10.1 gastric/GI psoas P 8 | 11.1 bladder/uro piriformis P 8
"""

from __future__ import annotations

from plexrt.board.case import Case, make_case

# Patient 10 of Table 1: gastric cancer (GI), psoas, NRS 8, palliative, 39 Gy/13.
LIKE_10_1: Case = make_case(
    primary_cancer="Gastric cancer",
    involved_muscle="psoas",
    nrs_before=8,
    intent="palliative",
    dose_gy=39,
    fractions=13,
)

# A valid case form (bladder cancer, psoas, palliative, NRS 8, 30 Gy/10).
GOOD = {
    "primary_cancer": "Bladder cancer",
    "primary_group": None,
    "involved_muscle": "psoas",
    "nrs_before": 8,
    "intent": "palliative",
    "dose_gy": 30,
    "fractions": 10,
}
