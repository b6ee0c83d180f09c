"""Dump every figure's data, every table and every metric of every page (AppTest) to JSON.

Used to prove that a refactoring changes no number: run it before and after, then compare with
``python scripts/page_snapshot.py --diff BEFORE.json AFTER.json``. Needs a built store in $PLEXRT_DB.
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

CASES = [
    ("cohort", "pages/cohort.py", {}),
    ("cohort-psoas-pall", "pages/cohort.py", {"muscle": "psoas", "intent": "palliative"}),
    ("pain", "pages/pain.py", {}),
    ("pain-icpre", "pages/pain.py", {"resp": "icpre"}),
    ("pain-k3-psoas", "pages/pain.py", {"resp": "threshold3", "muscle": "psoas"}),
    ("tte", "pages/time_to_event.py", {}),
    ("tte-weeks-start", "pages/time_to_event.py", {"unit": "weeks", "t0": "start"}),
    ("tte-by-muscle", "pages/time_to_event.py", {"by": "involved_muscle"}),
    ("literature", "pages/literature.py", {}),
    ("data", "pages/data.py", {}),
    ("board", "pages/board.py", {}),
    ("board-slide5", "pages/board.py", {"present": "1", "slide": "5"}),
]


def _decode(obj):
    """Plotly 7 typed arrays -> lists; everything else unchanged (recursively)."""
    if isinstance(obj, dict):
        if "bdata" in obj and "dtype" in obj:
            arr = np.frombuffer(base64.b64decode(obj["bdata"]), dtype=obj["dtype"])
            if "shape" in obj:
                arr = arr.reshape([int(s) for s in str(obj["shape"]).split(",")])
            return arr.tolist()
        return {k: _decode(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_decode(v) for v in obj]
    return obj


def _figure(spec: str) -> dict:
    fig = _decode(json.loads(spec))
    keep = ("x", "y", "base", "text", "customdata", "name", "type", "error_x", "error_y")
    data = [{k: t.get(k) for k in keep if k in t} for t in fig.get("data", [])]
    layout = fig.get("layout", {})
    notes = [a.get("text") for a in layout.get("annotations", [])]
    return {"data": data, "annotations": notes, "title": (layout.get("title") or {}).get("text")}


def snapshot_page(page: str, params: dict) -> dict:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    at.switch_page(page).run()
    out: dict = {"exceptions": [str(e.value) for e in at.exception]}
    out["metrics"] = [[m.label, m.value, m.delta] for m in at.metric]
    out["figures"] = [_figure(c.proto.spec) for c in at.get("plotly_chart")]
    out["tables"] = [
        json.loads(d.value.to_json(orient="split", default_handler=str)) for d in at.dataframe
    ]
    out["text"] = [
        e.value
        for kind in ("markdown", "caption", "warning", "info", "error", "success")
        for e in getattr(at, kind)
    ]
    return out


def snapshot() -> dict:
    return {name: snapshot_page(page, params) for name, page, params in CASES}


def _numbers(obj, path="") -> list[tuple[str, float]]:
    out = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _numbers(v, f"{path}/{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += _numbers(v, f"{path}[{i}]")
    elif isinstance(obj, bool):
        pass
    elif isinstance(obj, int | float):
        out.append((path, float(obj)))
    return out


def diff(before: dict, after: dict, rel: float = 1e-9) -> list[str]:
    """Numbers that moved (figures, tables, metrics); text differences are listed separately."""
    lines = []
    for name in before:
        b, a = before[name], after.get(name, {})
        for part in ("figures", "tables"):
            nb, na = dict(_numbers(b.get(part))), dict(_numbers(a.get(part)))
            for p in sorted(set(nb) | set(na)):
                x, y = nb.get(p), na.get(p)
                if (
                    x is None
                    or y is None
                    or not (math.isclose(x, y, rel_tol=rel, abs_tol=1e-12) or (x != x and y != y))
                ):
                    lines.append(f"{name} {part}{p}: {x} -> {y}")
        mb = {m[0]: m[1:] for m in b.get("metrics", [])}
        ma = {m[0]: m[1:] for m in a.get("metrics", [])}
        for label in sorted(set(mb) | set(ma)):
            if mb.get(label) != ma.get(label):
                lines.append(f"{name} metric {label!r}: {mb.get(label)} -> {ma.get(label)}")
        if a.get("exceptions"):
            lines.append(f"{name} EXCEPTIONS: {a['exceptions']}")
    return lines


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--out", type=Path)
    p.add_argument("--diff", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    args = p.parse_args()
    if args.diff:
        before, after = (json.loads(f.read_text()) for f in args.diff)
        lines = diff(before, after)
        print("\n".join(lines) if lines else "no number moved")
        return 1 if lines else 0
    data = snapshot()
    text = json.dumps(data, indent=1, default=str, sort_keys=True)
    if args.out:
        args.out.write_text(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
