"""Round-trip accuracy of the curve reconstruction (Guyot 2012), as a table for the note.

Simulated series (``tests/unit/curve_cases.py``: five shapes, a known hazard ratio between two
arms) are drawn as Kaplan-Meier curves, digitised with pixel-sized noise, reconstructed from the
points and the number-at-risk table (every 3 months), and compared with the original series' own
statistics: median, survival at 6/12/18/24 months, the Cox hazard ratio between the arms.

    .venv/bin/python scripts/curve_accuracy.py [--reps 20]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.unit import curve_cases as cc  # noqa: E402

from plexrt.stats.guyot import SCENARIOS, reconstruct  # noqa: E402
from plexrt.stats.survival import cox_hazard_ratio, kaplan_meier  # noqa: E402


def _inputs(t, e, scenario):
    rt, rn = cc.risk_table(t)
    total = int(e.sum()) if scenario in ("risk_table_and_events", "events_only") else None
    if scenario in ("events_only", "start_only"):
        return {"risk_times": [0.0], "risk_counts": [len(t)], "total_events": total}
    return {"risk_times": rt, "risk_counts": rn, "total_events": total}


def _one(t, e, rng, scenario):
    x, y = cc.digitise(t, e, rng)
    rec = reconstruct(x, y, **_inputs(t, e, scenario))
    return rec, cc.compare(t, e, rec.ipd["time"].to_numpy(), rec.ipd["event"].to_numpy())


def shape_rows(n: int, reps: int, scenario: str) -> list[dict]:
    out = []
    for shape in cc.SHAPES:
        med, med_pct, surv, gaps = [], [], [], []
        for seed in range(reps):
            rng = np.random.default_rng(seed)
            t, e = cc.simulate(shape, n, rng)
            rec, rt = _one(t, e, rng, scenario)
            surv.append(rt.max_survival_error)
            gaps.append(rec.fit.max_gap)
            if rt.median_error is not None:
                m0 = kaplan_meier(t, e).median
                med.append(abs(rt.median_error))
                med_pct.append(100 * abs(rt.median_error) / m0)
        out.append(
            {
                "shape": shape,
                "n": n,
                "medians": len(med),
                "median_err": (np.mean(med), np.max(med)) if med else (np.nan, np.nan),
                "median_pct": (np.mean(med_pct), np.max(med_pct)) if med else (np.nan, np.nan),
                "surv_err": (np.mean(surv), np.max(surv)),
                "gap": (np.mean(gaps), np.max(gaps)),
            }
        )
    return out


def hr_row(n: int, reps: int, scenario: str, hazard_ratio: float = 0.65) -> dict:
    ratios = []
    for seed in range(reps):
        rng = np.random.default_rng(1000 + seed)
        t, e, arm = cc.simulate_arms(n, hazard_ratio, rng)
        orig = cox_hazard_ratio(t, e, arm, reference="control").table["hazard_ratio"].iloc[1]
        parts = []
        for label in ("control", "treated"):
            m = arm == label
            rec, _ = _one(t[m], e[m], rng, scenario)
            parts.append(rec.ipd.assign(arm=label))
        times = np.concatenate([p["time"] for p in parts])
        events = np.concatenate([p["event"] for p in parts])
        groups = np.concatenate([p["arm"] for p in parts])
        new = cox_hazard_ratio(times, events, groups, reference="control").table["hazard_ratio"]
        ratios.append(float(new.iloc[1] / orig))
    r = np.asarray(ratios)
    return {"scenario": scenario, "n": n, "mean": r.mean(), "min": r.min(), "max": r.max()}


def _fmt(pair, digits=2) -> str:
    return f"{pair[0]:.{digits}f} ({pair[1]:.{digits}f})"


def print_tables(reps: int) -> None:
    print(f"Round trip, {reps} simulated series per row; mean (max) over the series.")
    print(
        "Digitiser noise: 0.2% of the x range, 0.0025 in survival; 300 points; risk table every 3 mo."
    )
    for scenario in SCENARIOS:
        print(f"\n**Inputs: {SCENARIOS[scenario]}**\n")
        print(
            "| shape | n | median abs error, months | median error, % | max abs error of S at "
            "6/12/18/24 mo | largest gap to the points |"
        )
        print("|---|---|---|---|---|---|")
        for n in (200, 60):
            for r in shape_rows(n, reps, scenario):
                print(
                    f"| {r['shape']} | {r['n']} | {_fmt(r['median_err'])} | "
                    f"{_fmt(r['median_pct'], 1)} | {_fmt(r['surv_err'], 3)} | {_fmt(r['gap'], 3)} |"
                )
    print("\n**Cox hazard ratio, two arms (true HR 0.65), reconstructed / original**\n")
    print("| inputs | patients per arm | mean ratio | min | max |")
    print("|---|---|---|---|---|")
    for scenario in SCENARIOS:
        for n in (150, 60):
            h = hr_row(n, reps, scenario)
            print(
                f"| {SCENARIOS[scenario]} | {n} | {h['mean']:.3f} | {h['min']:.3f} | {h['max']:.3f} |"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=20)
    args = parser.parse_args()
    print_tables(args.reps)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
