"""Table 1 of Sanuki 2022 as the pain-response tests use it (typed in by hand, independent of the
store), shared by the definition and ICPRE-bounds tests."""

import pandas as pd

# Sanuki 2022 Table 1: course id, NRS before, NRS at completion, involved muscle, baseline opioid.
# Baseline OMED (CDC 2022) by hand: hydromorphone x5, oxycodone x1.5, morphine x1:
# 1.1/1.2 hydromorphone 6 -> 30; 5 hydromorphone 2 -> 10; 6 oxycodone 40 -> 60; 7 oxycodone 30 -> 45;
# 8 and 10 oxycodone 20 -> 30; 9 morphine 20 -> 20; 2, 3, 4, 11 no opioid -> 0.
SANUKI = pd.DataFrame(
    [
        ("1.1", 9, 0, "psoas", 30.0),
        ("1.2", 8, 0, "psoas", 30.0),
        ("2", 4, 0, "piriformis", 0.0),
        ("3", 3, 0, "psoas", 0.0),
        ("4", 8, 3, "psoas", 0.0),
        ("5", 4, 0, "psoas", 10.0),
        ("6", 5, 3, "piriformis", 60.0),
        ("7", 4, 0, "psoas", 45.0),
        ("8", 3, 0, "piriformis", 30.0),
        ("9", 4, 1, "psoas", 20.0),
        ("10", 8, 0, "psoas", 30.0),
        ("11", 8, 0, "piriformis", 0.0),
    ],
    columns=["course_id", "nrs_before", "nrs_after", "involved_muscle", "omed_before"],
)
