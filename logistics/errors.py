"""Typed input errors that name the file, the entry and the field.

Every problem found in a scenario becomes one :class:`Problem`; a
:class:`ScenarioError` carries the whole list so that a user fixes everything in
one pass instead of one error per run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError


def format_loc(loc: Sequence[Any]) -> str:
    """Turn a pydantic location such as ``('units', 3, 'pax')`` into ``units[3].pax``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input.

    Parameters
    ----------
    loc
        Where it is, as ``units[3].pax`` (empty for the whole file).
    message
        What is wrong, in plain words.
    file
        The file it came from, when known.
    """

    loc: str
    message: str
    file: str | None = None

    def __str__(self) -> str:
        parts = [p for p in (self.file, self.loc) if p]
        return ": ".join([*parts, self.message])


class InputError(ValueError):
    """Problems with an input, every one found: the base of :class:`ScenarioError` and
    :class:`PlanError`. ``what`` words the message's headline (``3 problems in the
    scenario:``); each problem without a file gets ``file``."""

    what = "in the input"

    def __init__(self, problems: Iterable[Problem], file: str | None = None):
        self.problems: list[Problem] = [p if (p.file or not file) else Problem(p.loc, p.message, file)
                                        for p in problems]
        self.file = file
        super().__init__(self._message(self.problems))

    def _message(self, probs: list[Problem]) -> str:
        n = len(probs)
        return f"{n} problem{'s' if n != 1 else ''} {self.what}:\n" + "\n".join(f"  {p}" for p in probs)

    def with_file(self, file: str) -> InputError:
        """Return the same error with every problem naming ``file``."""
        return type(self)([Problem(p.loc, p.message, p.file or file) for p in self.problems], file)


class ScenarioError(InputError):
    """A scenario could not be read or is inconsistent.

    Attributes
    ----------
    problems
        Every problem found, each naming its entry and field.
    """

    what = "in the scenario"


# ----- pydantic errors in plain words -------------------------------------------------
def _msg(err: Mapping[str, Any]) -> str:
    t = err.get("type", "")
    ctx = err.get("ctx") or {}
    inp = err.get("input")
    shown = repr(inp) if not isinstance(inp, dict | list) else type(inp).__name__
    if t == "greater_than_equal":
        return f"must be >= {ctx.get('ge')} (got {shown})"
    if t == "greater_than":
        return f"must be > {ctx.get('gt')} (got {shown})"
    if t == "less_than_equal":
        return f"must be <= {ctx.get('le')} (got {shown})"
    if t == "less_than":
        return f"must be < {ctx.get('lt')} (got {shown})"
    if t == "missing":
        return "is required"
    if t == "extra_forbidden":
        return "is not a field of this entry"
    if t in ("int_parsing", "int_type"):
        return f"must be a whole number (got {shown})"
    if t == "int_from_float":
        return f"must be a whole number (got {shown})"
    if t == "finite_number":
        return f"must be a finite number (got {shown})"
    if t in ("float_parsing", "float_type"):
        return f"must be a number (got {shown})"
    if t == "literal_error":
        return f"must be one of {ctx.get('expected')} (got {shown})"
    if t == "string_pattern_mismatch":
        return f"must be an ICAO-style code of 3-4 letters/digits (got {shown})"
    if t in ("string_type",):
        return f"must be text (got {shown})"
    if t in ("list_type", "tuple_type"):
        return f"must be a list (got {shown})"
    if t in ("too_short", "string_too_short"):
        return "must not be empty"
    if t in ("timezone_aware", "datetime_parsing", "datetime_type", "datetime_from_date_parsing"):
        return f"must be an ISO-8601 date-time with a zone, e.g. 2019-12-31T21:00:00Z (got {shown})"
    if t in ("model_type", "dict_type", "model_attributes_type"):
        return f"must be a mapping of fields (got {shown})"
    return str(err.get("msg", "is invalid"))


def pydantic_problems(exc: ValidationError) -> list[Problem]:
    """Turn a pydantic ValidationError into problems named like ``units[3].pax``."""
    out: list[Problem] = []
    for err in exc.errors():
        inner = (err.get("ctx") or {}).get("error")
        if isinstance(inner, ScenarioError):
            # the cross-entity checks raise ScenarioError inside a model validator;
            # pydantic wraps it as one "Value error" at the root: unwrap its problems
            prefix = format_loc(err["loc"])
            out.extend(
                Problem(".".join(x for x in (prefix, p.loc) if x), p.message, p.file)
                for p in inner.problems
            )
            continue
        loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        msg = _msg(err)
        out.append(Problem(format_loc(loc), msg))
    return out


# ----- every problem in one pass --------------------------------------------------------
_ENTRY = re.compile(r"^(?P<section>[a-z_]+)\[(?P<row>\d+)\]")
#: what problems across entries say when an entry they need was left out
_NEEDS = {"airfields": ("unknown airfield", "can reach"), "aircraft": ("no aircraft in the fleet",)}


def one_pass(model: type[BaseModel], data: Mapping[str, Any], first: list[Problem]) -> list[Problem]:
    """The field problems ``first`` and the problems across entries, together.

    Pydantic checks fields before the model's cross-entity checks, which then do not
    run. Here the entries with a field problem are left out of a copy, the copy is
    validated again, and its cross-entity problems are named by the entries' places in
    the file. Problems a left-out entry would have settled (an airfield it defines, an
    aircraft type it adds) are not reported, nor a second problem at a place that has
    one. A problem outside any entry (``start``, ``horizon_hours``) stops there.
    """
    out = list(first)
    drop: dict[str, set[int]] = {}
    for p in first:
        m = _ENTRY.match(p.loc)
        if m is None or not isinstance(data.get(m["section"]), list | tuple):
            return out
        drop.setdefault(m["section"], set()).add(int(m["row"]))
    work = dict(data)
    index: dict[str, list[int]] = {}
    for sec, rows in drop.items():
        index[sec] = [i for i in range(len(data[sec])) if i not in rows]
        work[sec] = [data[sec][i] for i in index[sec]]
    try:
        model.model_validate(work)
        return out
    except ValidationError as exc:
        again = pydantic_problems(exc)
    except ScenarioError as exc:
        again = list(exc.problems)
    skip = [w for sec in drop for w in _NEEDS.get(sec, ())]
    seen = {p.loc for p in out}
    for p in again:
        m = _ENTRY.match(p.loc)
        loc = p.loc
        if m is not None and m["section"] in index:
            old = index[m["section"]][int(m["row"])]
            loc = f"{m['section']}[{old}]" + p.loc[m.end():]
        if loc in seen or any(w in p.message for w in skip):
            continue
        seen.add(loc)
        out.append(Problem(loc, p.message, p.file))
    return out


class PlanError(InputError):
    """A plan file could not be read: every problem found, each naming its entry and field.

    Attributes
    ----------
    problems
        Every problem found, e.g. ``missions[3].legs[0].depart_hour: must be a number``.
    file
        The file read, when known (each problem names it too).
    """

    what = "in the plan"

    def _message(self, probs: list[Problem]) -> str:
        return str(probs[0]) if len(probs) == 1 else super()._message(probs)
