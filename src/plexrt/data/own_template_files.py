"""The blank template as files: CSV (+ data dictionary), XLSX (sheets courses, assessments,
data_dictionary; drop-down lists and number checks), and the REDCap data dictionary."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd

from plexrt.data import own_redcap
from plexrt.data.own_template import ASSESSMENTS, COURSES, TEMPLATES, TemplateColumn

FORMATS = ("csv", "xlsx", "redcap")
_XLSX_ROWS = 5000  # rows of the sheet the drop-down lists and checks cover


def _allowed(col: TemplateColumn) -> str:
    if col.kind == "date":
        return "YYYY-MM-DD; empty = not known / did not happen"
    if col.choices:
        words = [
            f"{c} ({col.choice_labels[c]})" if c in col.choice_labels else c for c in col.choices
        ]
        return "; ".join(words)
    if col.min is not None or col.max is not None:
        lo = "" if col.min is None else f"{col.min:g}"
        hi = "" if col.max is None else f"{col.max:g}"
        return f"{lo}-{hi}" if lo and hi else (f">= {lo}" if lo else f"<= {hi}")
    return ""


def data_dictionary() -> pd.DataFrame:
    """Every template column: file, name, label, required, level, kind, allowed values, meaning."""
    rows = []
    for table, columns in TEMPLATES.items():
        for col in columns:
            rows.append(
                {
                    "file": table,
                    "column": col.name,
                    "label": col.label,
                    "required": "yes" if col.required else "no",
                    "level": col.level,
                    "kind": col.kind,
                    "allowed values": _allowed(col),
                    "description": col.description,
                }
            )
    return pd.DataFrame(rows)


def header_csv(table: str) -> bytes:
    """The blank CSV of ``table``: its header row only."""
    return (",".join(c.name for c in TEMPLATES[table]) + "\n").encode("utf-8")


def template_paths(fmt: str, out: Path) -> list[Path]:
    """The files ``write_template`` writes for ``fmt`` at ``out``."""
    out = Path(out)
    if fmt == "csv":
        stem = out.with_suffix("")
        return [out, Path(f"{stem}_assessments.csv"), Path(f"{stem}_data_dictionary.csv")]
    if fmt in FORMATS:
        return [out]
    raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")


def write_template(fmt: str, out: Path) -> list[Path]:
    """Write the template in ``fmt`` ('csv' | 'xlsx' | 'redcap') to ``out``; returns the files.

    csv: OUT (courses), OUT's name + '_assessments.csv' and + '_data_dictionary.csv' beside it.
    """
    paths = template_paths(fmt, out)
    if fmt == "csv":
        contents = [
            header_csv(COURSES),
            header_csv(ASSESSMENTS),
            data_dictionary().to_csv(index=False).encode("utf-8-sig"),
        ]
    elif fmt == "xlsx":
        contents = [template_xlsx()]
    else:
        contents = [own_redcap.data_dictionary().to_csv(index=False).encode("utf-8")]
    files = dict(zip(paths, contents, strict=True))
    for path, data in files.items():
        path.write_bytes(data)
    return list(files)


def template_xlsx(frames: dict[str, pd.DataFrame] | None = None) -> bytes:
    """The workbook: sheets courses and assessments (headers, optional rows from ``frames``,
    drop-down lists for coded values, number checks) and data_dictionary."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for table, columns in TEMPLATES.items():
        ws = wb.create_sheet(table)
        ws.append([c.name for c in columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        rows = frames.get(table) if frames else None
        if rows is not None:
            for record in rows[[c.name for c in columns]].itertuples(index=False):
                ws.append([_cell(col, v) for col, v in zip(columns, record, strict=True)])
            for j, col in enumerate(columns, start=1):
                if col.kind == "date":
                    for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                        cell.number_format = "yyyy-mm-dd"
        for j, col in enumerate(columns, start=1):
            _validation(ws, j, col)
        ws.freeze_panes = "A2"
    ws = wb.create_sheet("data_dictionary")
    dd = data_dictionary()
    ws.append(list(dd.columns))
    for record in dd.itertuples(index=False):
        ws.append(list(record))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cell(col: TemplateColumn, value: object) -> object:
    """A template text as a spreadsheet holds it: numbers as numbers, dates as dates."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
        return None
    if col.kind in ("integer", "number"):
        x = float(str(value))
        return int(x) if x.is_integer() else x
    if col.kind == "date":
        return dt.date.fromisoformat(str(value))
    return value


def _validation(ws, j: int, col: TemplateColumn) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    letter = get_column_letter(j)
    if col.choices:
        dv = DataValidation(type="list", formula1=f'"{",".join(col.choices)}"', allow_blank=True)
    elif col.kind in ("integer", "number") and col.min is not None and col.max is not None:
        kind = "whole" if col.kind == "integer" else "decimal"
        dv = DataValidation(
            type=kind, operator="between", formula1=f"{col.min:g}", formula2=f"{col.max:g}"
        )
    else:
        return
    dv.error = f"{col.label}: {_allowed(col)}"
    dv.showErrorMessage = True
    ws.add_data_validation(dv)
    dv.add(f"{letter}2:{letter}{_XLSX_ROWS}")
