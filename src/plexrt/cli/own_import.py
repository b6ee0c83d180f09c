"""``plexrt import``: a department's own series into the user store.

Exits 0 when the series was stored (or, with --dry-run, would be), 2 when the files were refused
(every problem is printed; nothing is written), 1 when the store failed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from plexrt.cli.args import stored_text
from plexrt.cli.userdb import add_user_db, open_store
from plexrt.data.access import PermissionDenied, local_principal
from plexrt.data.deidentify import key_csv, merge_keys, read_key
from plexrt.data.own_schema import OwnSeriesFrames
from plexrt.data.own_validation import validate_own_series
from plexrt.data.text_limits import NAME_CHARS
from plexrt.data.userstore import SeriesInvalid, UserDataUnavailable, UserStore, nothing_written
from plexrt.data.values import counted
from plexrt.ingest.own_import import PreparedImport, prepare_import

REFUSED, FAILED = 2, 1


def register(sub: argparse._SubParsersAction) -> None:
    i = sub.add_parser("import", help="import a department's own series (CSV, XLSX or REDCap CSV)")
    i.add_argument(
        "file",
        type=Path,
        help="courses: CSV, XLSX (sheets courses, assessments) or a REDCap raw export",
    )
    i.add_argument(
        "assessments", type=Path, nargs="?", default=None, help="assessments CSV (optional)"
    )
    i.add_argument(
        "--series",
        required=True,
        type=stored_text(NAME_CHARS),
        help="name of the series (your own of that name is updated; a series id names one "
        "among several of the same name)",
    )
    add_user_db(i)
    i.add_argument(
        "--study-codes",
        action="store_true",
        help="the patient codes are study codes, not hospital numbers: keep them",
    )
    i.add_argument(
        "--key",
        type=Path,
        action="append",
        help="pseudonym key file(s) of earlier imports of this series",
    )
    i.add_argument(
        "--key-out",
        type=Path,
        default=None,
        help="where to save the pseudonym key (required when codes are replaced)",
    )
    i.add_argument(
        "--report", type=Path, default=None, help="write the problem report (CSV) here when refused"
    )
    i.add_argument(
        "--institution",
        default=None,
        help="institution shown with the series (an update keeps the stored one unless given)",
    )
    i.add_argument(
        "--period",
        default=None,
        help="treatment period, e.g. 2015-2023 (an update keeps the stored one unless given)",
    )
    i.add_argument(
        "--allow-removals",
        action="store_true",
        help="let an update remove stored patients, courses or assessments its files no longer "
        "hold (refused without it)",
    )
    i.add_argument(
        "--dry-run", action="store_true", help="check and show what would be stored; write nothing"
    )
    i.set_defaults(func=_import)


def _keys(paths: list[Path]) -> tuple[dict[str, str] | None, list[str]]:
    if not paths:
        return None, []
    keys, errors = [], []
    for path in paths:
        try:
            key, problems = read_key(Path(path).read_bytes(), Path(path).name)
        except OSError as exc:
            errors.append(f"{path}: cannot be read ({exc.strerror})")
            continue
        errors += [str(p) for p in problems]
        keys.append(key)
    merged, problems = merge_keys(keys)
    return merged, errors + [str(p) for p in problems]


def _print_problems(prepared: PreparedImport, report: Path | None) -> None:
    problems = prepared.report.problems
    print(
        f"plexrt import: the files were refused ({counted(len(problems), 'problem')}); "
        "nothing was written.",
        file=sys.stderr,
    )
    for p in problems:
        value = f" [value: {p.value}]" if p.value else ""
        print(f"  - {p}{value}", file=sys.stderr)
    for note in prepared.report.notices:
        print(f"  note: {note}", file=sys.stderr)
    if report is not None:
        from plexrt.export.tabular import safe_csv

        if _written(report, safe_csv(prepared.report.frame()), "the problem report"):
            print(f"problem report written to {report}", file=sys.stderr)


# A pseudonym key is the only way back from pseudonyms to patients: written over, another
# series' key (or any file) would be lost. The key goes to a new file only.
_KEY_EXISTS = (
    "--key-out {path} exists; the pseudonym key is written to a new file only (the file there may "
    "be another series' key). Give another path. Nothing was written."
)


def _written(path: Path, data: bytes, what: str, *, new: bool = False) -> bool:
    """Write ``data`` to ``path`` (``new``: only if there is no file there yet); False, with the
    reason on stderr, when it cannot be."""
    try:
        with path.open("xb" if new else "wb") as out:
            out.write(data)
    except FileExistsError:  # created since the check before reading (``_output_clash``)
        print(
            f"plexrt import: {path} was created meanwhile; {what} goes to a new file only.",
            file=sys.stderr,
        )
        return False
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        print(f"plexrt import: cannot write {what} to {path} ({reason}).", file=sys.stderr)
        return False
    return True


def _summary(prepared: PreparedImport, name: str) -> str:
    f = prepared.frames
    assert f is not None
    codes = "replaced by pseudonyms" if prepared.pseudonymised else "kept (study codes)"
    lines = [
        f"series '{name}': {counted(len(f.patients), 'patient')}, "
        f"{counted(len(f.courses), 'course')}, {counted(len(f.assessments), 'assessment')}; "
        f"patient codes {codes}."
    ]
    lines += [f"  note: {n}" for n in prepared.report.notices]
    if prepared.diff is not None:
        lines.append(f"changes: {prepared.diff.summary()}")
    return "\n".join(lines)


def _output_clash(args: argparse.Namespace) -> str | None:
    """Why an output path cannot be used (None when both can): the key goes to a new file only,
    and the problem report is never written over a file the import reads."""
    if args.key_out is not None and args.key_out.exists():
        return _KEY_EXISTS.format(path=args.key_out)
    inputs = [p for p in (args.file, args.assessments, *(args.key or [])) if p is not None]
    report = args.report
    if report is not None and report.exists() and any(_same(report, p) for p in inputs):
        return f"--report {report} is a file this import reads; give another path. Nothing was written."
    return None


def _same(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def _import(args: argparse.Namespace) -> int:
    try:
        store = open_store(args)
        store.check()
    except UserDataUnavailable as exc:
        print(f"plexrt import: {exc} Nothing was written.", file=sys.stderr)
        return FAILED
    clash = _output_clash(args)
    if clash:
        print(f"plexrt import: {clash}", file=sys.stderr)
        return REFUSED
    key, errors = _keys(args.key or [])
    if errors:
        word = "key file was" if len(args.key or []) == 1 else "key files were"
        print(f"plexrt import: the {word} refused; nothing was written.", file=sys.stderr)
        for e in errors:
            print(f"  - {e}", file=sys.stderr)
        return REFUSED
    try:
        target = target_of(store, args.series)
    except SeriesInvalid as exc:
        print("plexrt import: --series names no one series; nothing was written.", file=sys.stderr)
        for problem in exc.messages:
            print(f"  - {problem}", file=sys.stderr)
        return REFUSED
    previous, was_pseudonymised = _stored(store, target)
    prepared = prepare_import(
        args.file,
        args.assessments,
        study_codes=args.study_codes,
        key=key,
        previous=previous,
        previous_pseudonymised=was_pseudonymised,
    )
    if not prepared.ok:
        _print_problems(prepared, args.report)
        return REFUSED
    print(_summary(prepared, args.series if target is None else str(target["name"])))
    if args.dry_run:
        print("dry run: nothing was written.")
        return 0
    if prepared.key and args.key_out is None:
        print(
            "plexrt import: the patient codes are replaced by pseudonyms; give --key-out PATH to "
            "save the key (PlexRT keeps it nowhere, and an update of the series needs it). "
            "Nothing was written.",
            file=sys.stderr,
        )
        return REFUSED
    stop = _held_back(prepared, args.allow_removals)
    if stop is not None:
        return stop
    return _write_with_key(store, prepared, args, target)


def _write_with_key(
    store: UserStore,
    prepared: PreparedImport,
    args: argparse.Namespace,
    target: dict[str, Any] | None,
) -> int:
    """The pseudonym key (to a new file), then the store; the key is removed again when the
    store refuses or fails: it would be the key of pseudonyms that were never stored, taken for
    the series' key, and the same path serves the next attempt."""
    keyed = bool(prepared.key) and args.key_out is not None
    if prepared.key and args.key_out is not None:
        if not _written(args.key_out, key_csv(prepared.key), "the pseudonym key", new=True):
            print("Nothing was written.", file=sys.stderr)
            return FAILED
        print(f"pseudonym key written to {args.key_out}: keep it safe; PlexRT does not keep it.")
    code = _write(store, prepared, args, target)
    if code != 0 and keyed:
        args.key_out.unlink(missing_ok=True)
        print(f"the key written to {args.key_out} was removed again.", file=sys.stderr)
    return code


def _held_back(prepared: PreparedImport, allow_removals: bool) -> int | None:
    """The exit code of an update that is not written (nothing to change, or rows it would
    remove without ``--allow-removals``); None when it is to be written."""
    diff = prepared.diff
    if diff is None:
        return None
    if diff.is_empty:
        print("nothing to write: the stored series already holds exactly these rows.")
        return 0
    removed = diff.removed_words()
    if removed and not allow_removals:
        # An update leaves out what its files leave out: a forgotten assessments file removes
        # every stored assessment. The Import page shows that before Commit; here it takes a flag.
        print(
            f"plexrt import: this update would remove stored rows that the files no longer hold "
            f"({removed}); to write it, run it again with --allow-removals. Nothing was written.",
            file=sys.stderr,
        )
        return REFUSED
    return None


def target_of(store: UserStore, series: str) -> dict[str, Any] | None:
    """The stored series ``--series`` names for the local user: the series of that id, else the one
    the name means (``UserStore.import_target``, as on the Import page); None for a new series."""
    listing = store.own_series(local_principal())
    by_id = listing[listing["series_id"] == series] if len(listing) else listing
    if len(by_id):
        return by_id.iloc[0].to_dict()
    return store.import_target(local_principal(), series)


def _stored(
    store: UserStore, target: dict[str, Any] | None
) -> tuple[OwnSeriesFrames | None, bool | None]:
    """The rows of the stored series the import updates and whether it was stored with pseudonyms;
    (None, None) for a new series."""
    if target is None:
        return None, None
    frames = store.series_frames(local_principal(), str(target["series_id"]))
    return frames, bool(target["pseudonymised"])


def _given_or_stored(given: str | None, target: dict[str, Any] | None, column: str) -> Any:
    """A text of the series as given on the command line; not given, the stored one of the
    series updated (None for a new series)."""
    if given is not None or target is None:
        return given
    return target.get(column)


def _write(
    store: UserStore,
    prepared: PreparedImport,
    args: argparse.Namespace,
    target: dict[str, Any] | None,
) -> int:
    """The one call into the user store (one transaction: rows, change history, audit): an update
    of ``target`` (the series whose rows the changes were found against), else a new series."""
    assert prepared.frames is not None  # refused imports never reach the store
    try:
        result = store.apply_import(
            local_principal(),
            args.series if target is None else str(target["name"]),
            prepared.frames,
            mapping=prepared.mapping,
            pseudonymised=prepared.pseudonymised,
            institution=_given_or_stored(args.institution, target, "institution"),
            period=_given_or_stored(args.period, target, "period_text"),
            validate=validate_own_series,
            series_id=None if target is None else str(target["series_id"]),
            create_only=target is None,
            previous=prepared.previous,
        )
    except SeriesInvalid as exc:
        print("plexrt import: the store refused the series; nothing was written.", file=sys.stderr)
        for problem in exc.messages:
            print(f"  - {problem}", file=sys.stderr)
        return REFUSED
    except (PermissionDenied, UserDataUnavailable) as exc:
        print(f"plexrt import: {exc}{nothing_written(exc)}", file=sys.stderr)
        return FAILED
    verb = "created" if result.created else "updated"
    print(
        f"{verb} series {result.name!r}: {counted(result.patients, 'patient')}, "
        f"{counted(result.courses, 'course')}, {counted(result.assessments, 'assessment')}"
        + ("" if result.batch_id is None else f" (change batch {result.batch_id})")
    )
    return 0
