"""What every command of ``logistics`` shares: exit codes, option types, plain-text
tables, JSON output, loading a scenario with its problems reported, and logging."""

from __future__ import annotations

import argparse
import json
import logging
import math
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, TextIO

from ..errors import ScenarioError
from ..scenario import Scenario, load_scenario

EXIT_OK, EXIT_VIOLATIONS, EXIT_INPUT, EXIT_NOT_PROVEN, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
PLAN_SUFFIXES = (".json", ".csv", ".xlsx")

log = logging.getLogger("logistics.cli")


# ----- option types ---------------------------------------------------------------------
def positive_float(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not v > 0:
        raise argparse.ArgumentTypeError(f"must be > 0 (got {text})")
    return v


def positive_int(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1 (got {text})")
    return v


def add_verbose(parser: argparse.ArgumentParser, dest: str = "verbose_command") -> None:
    """``-v/--verbose``: the library's log on stderr (``-v`` INFO, ``-vv`` DEBUG)."""
    parser.add_argument("-v", "--verbose", action="count", default=0, dest=dest,
                        help="log what the library does on stderr (-v: info, -vv: debug)")


def add_json(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--json", action="store_true",
                        help=f"print {what} as JSON on stdout (progress and errors stay on stderr)")


def verbosity(args: argparse.Namespace) -> int:
    """How many ``-v`` were given, before and after the command's name."""
    return int(getattr(args, "verbose", 0) or 0) + int(getattr(args, "verbose_command", 0) or 0)


# ----- logging --------------------------------------------------------------------------
@contextmanager
def command_logging(level: int, err: TextIO) -> Iterator[None]:
    """While a command runs, send the library's log records to ``err``: warnings always,
    INFO with ``level`` 1 and DEBUG with 2 or more. The logger is as before afterwards."""
    logger = logging.getLogger("logistics")
    handler = logging.StreamHandler(err)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    before = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING if level <= 0 else logging.INFO if level == 1 else logging.DEBUG)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(before)


# ----- plain text tables ----------------------------------------------------------------
def _cell(v: Any, whole: bool = False) -> str:
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        if v != v:  # nan
            return "-"
        return f"{v:,.0f}" if whole else f"{v:,.1f}"
    return str(v)


def _numeric(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], indent: str = "  ") -> str:
    """An aligned plain-text table: numbers right-aligned, text left-aligned."""
    rows = [list(r) for r in rows]
    # a column of whole numbers shows no decimals; otherwise one decimal throughout
    whole = [
        all(not isinstance(r[i], float) or r[i] == int(r[i]) for r in rows if r[i] == r[i])
        for i in range(len(headers))
    ]
    cells = [[_cell(v, whole[i]) for i, v in enumerate(r)] for r in rows]
    widths = [len(h) for h in headers]
    for r in cells:
        for i, c in enumerate(r):
            widths[i] = max(widths[i], len(c))
    right = [
        bool(rows) and all(_numeric(r[i]) or r[i] is None for r in rows) for i in range(len(headers))
    ]

    def line(cs: Sequence[str]) -> str:
        return indent + "  ".join(
            c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cs, widths, right, strict=True)
        ).rstrip()

    out = [line(headers), indent + "  ".join("-" * w for w in widths)]
    out.extend(line(r) for r in cells)
    return "\n".join(out)


def section(title: str) -> str:
    return f"\n{title}\n{'=' * len(title)}"


def utc(s: Scenario, hour: float | None) -> str:
    if hour is None:
        return "-"
    return (s.start + timedelta(hours=hour)).strftime("%Y-%m-%d %H:%MZ")


def fmt(x: float | None, spec: str = ".1f") -> str:
    return "-" if x is None else format(x, spec)


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


# ----- JSON -------------------------------------------------------------------------------
def plain(v: Any) -> Any:
    """JSON types only: NaN and infinities become null, numpy scalars Python numbers,
    tuples lists, paths and other objects their text."""
    if isinstance(v, dict):
        return {str(k): plain(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [plain(x) for x in v]
    if v is None or isinstance(v, bool | str):
        return v
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if hasattr(v, "item"):  # numpy and pandas scalars
        return plain(v.item())
    return str(v)


def write_json(out: TextIO, doc: dict[str, Any]) -> None:
    out.write(json.dumps(plain(doc), indent=2, allow_nan=False) + "\n")


def violations_json(violations: Iterable[Any]) -> list[dict[str, str]]:
    return [{"rule": v.rule, "subject": v.subject, "message": v.message} for v in violations]


def input_error(args: argparse.Namespace, out: TextIO, err: TextIO, messages: Sequence[str]) -> int:
    """Report bad input: each message on stderr and, with ``--json``, ``{"ok": false,
    "errors": [...]}`` on stdout. Returns :data:`EXIT_INPUT`."""
    for m in messages:
        err.write(f"{m}\n")
    if getattr(args, "json", False):
        write_json(out, {"ok": False, "errors": list(messages)})
    return EXIT_INPUT


# ----- scenarios --------------------------------------------------------------------------
def problem_lines(exc: ScenarioError) -> list[str]:
    n = len(exc.problems)
    return [*(str(p) for p in exc.problems), f"{n} problem{'s' if n != 1 else ''} found."]


def load(args: argparse.Namespace, path: str, out: TextIO, err: TextIO) -> Scenario | None:
    """The scenario at ``path``, or None once its problems are reported (:func:`input_error`)."""
    try:
        s = load_scenario(path)
    except ScenarioError as exc:
        input_error(args, out, err, problem_lines(exc))
        return None
    except OSError as exc:  # pragma: no cover - load_scenario already turns these into problems
        input_error(args, out, err, [f"{path}: cannot read file: {exc.strerror or exc}"])
        return None
    note_loaded(path, s)
    return s


def note_loaded(path: str, s: Scenario) -> None:
    """Log (INFO) which scenario a command read."""
    log.info("%s: scenario %r, %d units, sha256 %s", path, s.name, len(s.units), s.sha256())
