"""Typed input errors that name the file, the entry and the field.

Every problem found in a scenario becomes one :class:`Problem`; a
:class:`ScenarioError` carries the whole list so that a user fixes everything in
one pass instead of one error per run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any


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


class ScenarioError(ValueError):
    """A scenario could not be read or is inconsistent.

    Attributes
    ----------
    problems
        Every problem found, each naming its entry and field.
    """

    def __init__(self, problems: Iterable[Problem], file: str | None = None):
        probs = [
            p if (p.file or not file) else Problem(p.loc, p.message, file)
            for p in problems
        ]
        self.problems: list[Problem] = probs
        self.file = file
        n = len(probs)
        head = f"{n} problem{'s' if n != 1 else ''} in the scenario"
        super().__init__(head + ":\n" + "\n".join(f"  {p}" for p in probs))

    def with_file(self, file: str) -> ScenarioError:
        """Return the same error with every problem naming ``file``."""
        return ScenarioError(
            [Problem(p.loc, p.message, p.file or file) for p in self.problems], file
        )
