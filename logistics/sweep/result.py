"""The rows of a sweep as data frames (:class:`SweepResult`), what they add up to
(:class:`SweepSummary`), and their files (Parquet or CSV).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["SweepResult", "SweepSummary", "VOLATILE_COLUMNS", "perturbation_columns"]

#: columns that say where and how fast a sample ran, not what it found
VOLATILE_COLUMNS = ("seconds", "cpu_seconds", "worker")
#: the per-sample KPI columns, in order (the perturbation columns follow them)
SAMPLE_COLUMNS = (
    "sample", "status", "closure_hour", "late_units", "undelivered_pax", "undelivered_stons",
    "missions", "flying_hours", "violations", "binding", "error", "seconds", "cpu_seconds", "worker",
)
UNIT_COLUMNS = (
    "sample", "unit", "destination", "closure_hour", "late_hours", "undelivered_pax",
    "undelivered_stons", "late", "undelivered",
)
LIMIT_COLUMNS = ("sample", "kind", "subject")

_INT_COLS = ("late_units", "undelivered_pax", "missions", "violations")
_FLOAT_COLS = ("closure_hour", "undelivered_stons", "flying_hours", "seconds", "cpu_seconds")


def _samples_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    cols = list(SAMPLE_COLUMNS)
    for r in rows:
        for c in r:
            if c not in cols:
                cols.append(c)
    df = pd.DataFrame.from_records(rows, columns=cols)
    for c in _INT_COLS:
        df[c] = pd.array(df[c].tolist(), dtype="Int64")
    for c in _FLOAT_COLS:
        df[c] = df[c].astype("float64")
    for c in cols[len(SAMPLE_COLUMNS):]:
        if c.startswith(("available.", "mog.")):
            df[c] = pd.array(df[c].tolist(), dtype="Int64")
        else:
            df[c] = df[c].astype("float64")
    for c in ("status", "binding", "error", "worker"):
        df[c] = df[c].astype(object)
    return df.reset_index(drop=True)


def _units_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    df = pd.DataFrame.from_records(rows, columns=list(UNIT_COLUMNS))
    df["sample"] = df["sample"].astype("int64")
    for c in ("closure_hour", "late_hours", "undelivered_pax", "undelivered_stons"):
        df[c] = df[c].astype("float64")
    for c in ("late", "undelivered"):
        df[c] = df[c].astype(bool)
    for c in ("unit", "destination"):
        df[c] = df[c].astype(object)
    return df.reset_index(drop=True)


def _limits_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    df = pd.DataFrame.from_records(rows, columns=list(LIMIT_COLUMNS))
    df["sample"] = df["sample"].astype("int64")
    for c in ("kind", "subject"):
        df[c] = df[c].astype(object)
    return df.reset_index(drop=True)


@dataclass
class SweepSummary:
    """What a sweep found, in a few numbers and two small tables.

    Attributes
    ----------
    samples
        Samples run.
    closure
        Force closure hour percentiles ``P10``, ``P50``, ``P90`` and ``mean`` over the
        samples that delivered anything.
    all_delivered, on_time
        Share of samples delivering every unit; delivering every unit with none late.
    status
        Samples by solver status.
    violations
        Checker violations over all samples (0 for a sound solver).
    units
        Per unit: ``p_late`` (fully delivered but late), ``p_undelivered`` (not fully
        delivered), ``p_late_or_undelivered``, ``mean_late_hours``, ``p90_closure_hour``.
    limits
        The most frequent binding limits: ``kind``, ``subject``, ``samples`` (in how many
        samples the plan's findings name it) and ``share``.
    kinds
        The same by kind of limit only (``mog``, ``fleet``, ``crew`` ...).
    """

    samples: int
    closure: dict[str, float]
    all_delivered: float
    on_time: float
    status: dict[str, int]
    violations: int
    units: pd.DataFrame
    limits: pd.DataFrame
    kinds: pd.DataFrame = field(default_factory=pd.DataFrame)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON types)."""
        return {
            "samples": self.samples, "closure": self.closure,
            "all_delivered": self.all_delivered, "on_time": self.on_time,
            "status": self.status, "violations": self.violations,
            "units": self.units.to_dict(orient="records"),
            "limits": self.limits.to_dict(orient="records"),
        }

    def __str__(self) -> str:
        def h(x: float) -> str:
            return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.1f}"

        c = self.closure
        lines = [
            f"{self.samples} samples; status: "
            + ", ".join(f"{k} {n}" for k, n in sorted(self.status.items())),
            f"force closure (h): P10 {h(c['P10'])}  P50 {h(c['P50'])}  P90 {h(c['P90'])}"
            f"  mean {h(c['mean'])}",
            f"every unit delivered in {self.all_delivered:.0%} of samples, "
            f"and on time in {self.on_time:.0%}",
            f"checker violations: {self.violations}",
        ]
        if len(self.units):
            lines.append("")
            lines.append("unit        P(late)  P(undelivered)  mean late h  P90 closure h")
            for r in self.units.itertuples():
                lines.append(f"{r.unit:<10}  {r.p_late:7.0%}  {r.p_undelivered:14.0%}  "
                             f"{h(r.mean_late_hours):>11}  {h(r.p90_closure_hour):>13}")
        if len(self.limits):
            lines.append("")
            lines.append("most frequent binding limits (share of samples):")
            for r in self.limits.itertuples():
                lines.append(f"  {r.share:5.0%}  {r.kind:<11} {r.subject}")
        return "\n".join(lines)


@dataclass
class SweepResult:
    """The rows of a sweep, sorted by sample index.

    Attributes
    ----------
    samples
        One row per sample: ``sample``, ``status``, the KPIs (``closure_hour``,
        ``late_units``, ``undelivered_pax``, ``undelivered_stons``, ``missions``,
        ``flying_hours``), ``violations`` (checker), ``binding`` (the binding-limit
        kinds, ``;``-separated), ``error``, ``seconds`` (wall), ``cpu_seconds`` (CPU of
        every thread of the worker process while it ran the sample), ``worker``, then the
        perturbations drawn (see :func:`draw_sample`).
    units
        One row per (sample, unit): ``destination``, ``closure_hour``, ``late_hours``,
        ``undelivered_pax``, ``undelivered_stons``, ``late``, ``undelivered``.
    limits
        One row per (sample, binding limit): ``kind``, ``subject``.
    meta
        ``scenario`` name, ``sha256``, ``seed``, ``samples`` requested, ``time_limit``,
        ``variations``, ``complete`` (``False`` when stopped early), ``seconds``.
    """

    samples: pd.DataFrame
    units: pd.DataFrame
    limits: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)

    def summary(self, top: int = 10) -> SweepSummary:
        """Closure percentiles, per-unit lateness probabilities, frequent binding limits."""
        s = self.samples
        n = len(s)
        cl = s["closure_hour"].dropna()
        closure = {
            "P10": float(cl.quantile(0.10)) if len(cl) else math.nan,
            "P50": float(cl.quantile(0.50)) if len(cl) else math.nan,
            "P90": float(cl.quantile(0.90)) if len(cl) else math.nan,
            "mean": float(cl.mean()) if len(cl) else math.nan,
        }
        u = self.units
        if len(u):
            g = u.groupby("unit", sort=False)
            units = pd.DataFrame({
                "p_late": g["late"].mean(),
                "p_undelivered": g["undelivered"].mean(),
                "p_late_or_undelivered": (u["late"] | u["undelivered"]).groupby(u["unit"], sort=False).mean(),
                "mean_late_hours": g["late_hours"].mean(),
                "p90_closure_hour": g["closure_hour"].quantile(0.9),
            }).reset_index()
            per = u.groupby("sample")
            all_del = float((~per["undelivered"].any()).sum()) / n if n else 0.0
            on_time = float((~(per["undelivered"].any() | per["late"].any())).sum()) / n if n else 0.0
        else:
            units = pd.DataFrame(columns=["unit", "p_late", "p_undelivered", "p_late_or_undelivered",
                                          "mean_late_hours", "p90_closure_hour"])
            all_del = on_time = 0.0
        lim = self.limits
        if len(lim):
            counts = (lim.groupby(["kind", "subject"]).size().rename("samples").reset_index()
                      .sort_values(["samples", "kind", "subject"], ascending=[False, True, True]))
            counts["share"] = counts["samples"] / n
            limits = counts.head(top).reset_index(drop=True)
            kinds = (lim.drop_duplicates(["sample", "kind"]).groupby("kind").size()
                     .rename("samples").reset_index()
                     .sort_values(["samples", "kind"], ascending=[False, True]).reset_index(drop=True))
            kinds["share"] = kinds["samples"] / n
        else:
            limits = pd.DataFrame(columns=["kind", "subject", "samples", "share"])
            kinds = pd.DataFrame(columns=["kind", "samples", "share"])
        return SweepSummary(
            samples=n, closure=closure, all_delivered=all_del, on_time=on_time,
            status={str(k): int(c) for k, c in s["status"].value_counts().items()},
            violations=int(s["violations"].fillna(0).sum()),
            units=units, limits=limits, kinds=kinds,
        )

    def frames(self, drop_volatile: bool = True) -> dict[str, pd.DataFrame]:
        """``samples``, ``units`` and ``limits``, without placement columns by default."""
        s = self.samples.drop(columns=list(VOLATILE_COLUMNS)) if drop_volatile else self.samples
        return {"samples": s, "units": self.units, "limits": self.limits}

    @staticmethod
    def _paths(path: str | Path) -> dict[str, Path]:
        p = Path(path)
        stem = p.name[: -len(p.suffix)] if p.suffix else p.name
        return {"samples": p, "units": p.with_name(f"{stem}.units{p.suffix}"),
                "limits": p.with_name(f"{stem}.limits{p.suffix}")}

    def to_parquet(self, path: str | Path) -> list[Path]:
        """Write ``path`` (samples), ``<stem>.units.parquet`` and ``<stem>.limits.parquet``."""
        out = []
        for name, p in self._paths(path).items():
            df = getattr(self, name).copy()
            df.attrs = {"sweep": _jsonable(self.meta)}
            df.to_parquet(p, index=False)
            out.append(p)
        return out

    def to_csv(self, path: str | Path) -> list[Path]:
        """Write ``path`` (samples), ``<stem>.units.csv`` and ``<stem>.limits.csv``."""
        out = []
        for name, p in self._paths(path).items():
            getattr(self, name).to_csv(p, index=False)
            out.append(p)
        return out

    def save(self, path: str | Path) -> list[Path]:
        """Write as Parquet (``.parquet``/``.pq``) or CSV (anything else)."""
        if Path(path).suffix.lower() in (".parquet", ".pq"):
            return self.to_parquet(path)
        return self.to_csv(path)

    @classmethod
    def read_parquet(cls, path: str | Path) -> SweepResult:
        """Read back what :meth:`to_parquet` wrote."""
        ps = cls._paths(path)
        dfs = {k: pd.read_parquet(p) for k, p in ps.items()}
        meta = dict(dfs["samples"].attrs.get("sweep", {}))
        for df in dfs.values():
            df.attrs = {}
        return cls(dfs["samples"], dfs["units"], dfs["limits"], meta)


def _jsonable(x: Any) -> Any:
    if isinstance(x, Mapping):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_jsonable(v) for v in x]
    if isinstance(x, float | int | str | bool) or x is None:
        return x
    return str(x)


def perturbation_columns(df: pd.DataFrame) -> list[str]:
    """The perturbation columns of a samples frame."""
    return [c for c in df.columns if c.startswith(("available.", "mog.", "mog_from.", "ready_delay.")) or c == "craf_delay"]
