"""Compare the arms of a scenario: per-arm means with CIs, paired differences, verdicts.

How a comparison is made:

1. every arm runs through :func:`sim.experiments.run.run` with the **same** master
   seed, so replicate ``r`` of every arm draws from the same random streams (common
   random numbers, CRN);
2. each replicate is reduced to a few measures (final adopters, adopters by a week,
   time to a share of the market, cost per customer, word-of-mouth share, chain
   depth, community size and heat; a measure the model does not produce is left out);
3. the per-arm table gives each measure's mean with a Student-t confidence interval;
4. each arm is compared with the baseline arm replicate by replicate: the paired
   differences ``d_r = x_arm,r - x_baseline,r`` give a mean difference, a paired-t
   confidence interval and a two-sided p-value (:func:`scipy.stats.ttest_rel`);
   the difference is significant when the p-value is below ``1 - level`` (the CI then
   excludes 0);
5. each difference becomes one plain-language verdict, with the direction of
   "better" of its measure (fewer weeks and a lower cost are better).

The time to a share of the market is a time to an event that some replicates never
reach within the horizon (censored there). It is not compared on the replicates
that reached it (that would condition on the outcome): every replicate counts, a
replicate that never got there as the horizon (the *restricted* time, whose mean is
the restricted mean survival time), and :attr:`Comparison.survival` adds per arm
the share reaching it with an exact interval, the Kaplan–Meier median time with a
distribution-free interval, and against the baseline the paired sign test of which
arm got there first and McNemar's exact test of the shares reaching it.

Because of CRN the paired differences cancel the noise the arms share (the same
people drawn, the same coin flips), so their confidence intervals are narrower than
unpaired (Welch) intervals on the same data; both are reported.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.errors import ValidationError
from sim.experiments.tables import mean_ci

__all__ = [
    "Comparison",
    "MEASURES",
    "Measure",
    "compare",
    "format_value",
    "is_comparison",
    "load_comparison",
    "paired_difference",
    "paired_reach",
    "reach_summary",
]

#: Files a comparison adds to a results folder.
COMPARISON_FILES = (
    "comparison.parquet",
    "differences.parquet",
    "comparison_values.parquet",
    "survival.parquet",
)


@dataclass(frozen=True)
class Measure:
    """One measure compared between arms.

    Attributes:
        name: Column name in :attr:`Comparison.values` and ``measure`` in the tables.
        label: How the measure is named in tables and verdicts.
        unit: Unit of a value and of a difference (``"people"``, ``"weeks"``...).
        higher_is_better: Direction of "better" (``False`` for time and cost).
        digits: Decimals shown.
        percent: Values are shares (0..1), shown as % and differences as
            percentage points.
        missing: What a missing value (NaN) means, e.g. ``"not reached"``.
        horizon: For a time to an event restricted to a horizon (the time to a share
            of the market): the horizon; a replicate without the event counts as it.
            ``None`` for every other measure.
    """

    name: str
    label: str
    unit: str
    higher_is_better: bool = True
    digits: int = 1
    percent: bool = False
    missing: str = "no value"
    horizon: int | None = None

    @property
    def better(self) -> str:
        """``"higher"`` or ``"lower"``."""
        return "higher" if self.higher_is_better else "lower"


#: The measures taken from a run's summary, when the model produces them (the
#: adopters by a week and the time to a share of the market are added by
#: :func:`compare`, whose options name them).
MEASURES: dict[str, Measure] = {
    m.name: m
    for m in (
        Measure("final_adopted", "final adopters", "people", digits=0),
        Measure(
            "cost_per_adopter",
            "cost per customer won",
            "currency units",
            higher_is_better=False,
            digits=2,
            missing="nobody won beyond the first pin",
        ),
        Measure("wom_share", "word-of-mouth share", "percentage points", percent=True),
        Measure("mean_chain_depth", "mean chain depth", "links", digits=2),
        Measure("max_chain_depth", "longest chain", "links", digits=1),
        Measure("final_members", "community members at the end", "people", digits=0),
        Measure("mean_heat", "meetup heat", "on the 0-1 scale", digits=3, missing="no meetup held"),
    )
}


def format_value(measure: Measure, x: float, *, unit: bool = False) -> str:
    """A value of a measure as shown to a reader (``"—"`` for NaN).

    Args:
        measure: The measure.
        x: The value (a share for percent measures).
        unit: Append the unit (``%`` for percent measures).

    Returns:
        The text, e.g. ``"1,234"``, ``"41.0%"`` or ``"3.12 currency units"``.
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    if measure.percent:
        return f"{100 * x:,.{measure.digits}f}%"
    text = f"{x:,.{measure.digits}f}"
    return f"{text} {measure.unit}" if unit else text


def _fmt_diff(measure: Measure, x: float) -> str:
    """A difference's magnitude with its unit (percent measures in points)."""
    scale = 100.0 if measure.percent else 1.0
    return f"{scale * x:,.{measure.digits}f}"


def paired_difference(
    arm: np.ndarray, baseline: np.ndarray, *, level: float = 0.95
) -> dict[str, float]:
    """Paired-t comparison of two arms replicate by replicate.

    Pairs where either value is NaN are dropped. With ``n`` pairs, ``d = arm -
    baseline``: the CI is ``mean(d) ± t(1 - (1 - level)/2, n - 1) · sd(d)/√n`` and the
    p-value is the two-sided paired t-test's. When every difference is the same (sd
    0) the CI is that value, and the p-value is 1 if it is 0 and 0 otherwise. The
    unpaired (Welch) CI on all non-missing values of each arm is returned too, to
    show what pairing gains.

    Args:
        arm: The arm's values, one per replicate (in replicate order).
        baseline: The baseline's values, same replicates.
        level: Confidence level in (0, 1).

    Returns:
        ``difference``, ``ci_low``, ``ci_high``, ``p_value``, ``n_pairs``,
        ``unpaired_ci_low``, ``unpaired_ci_high`` (NaN where undefined: fewer than 2
        pairs or values).
    """
    from scipy import stats

    a = np.asarray(arm, dtype=float)
    b = np.asarray(baseline, dtype=float)
    ok = ~(np.isnan(a) | np.isnan(b))
    d = a[ok] - b[ok]
    n = int(d.size)
    nan = float("nan")
    out = {"difference": nan, "ci_low": nan, "ci_high": nan, "p_value": nan, "n_pairs": n}
    if n >= 1:
        out["difference"] = float(d.mean())
    if n >= 2:
        sd = float(d.std(ddof=1))
        if sd == 0.0:
            out["ci_low"] = out["ci_high"] = out["difference"]
            out["p_value"] = 1.0 if out["difference"] == 0.0 else 0.0
        else:
            h = float(stats.t.ppf(0.5 + level / 2, n - 1)) * sd / math.sqrt(n)
            out["ci_low"], out["ci_high"] = out["difference"] - h, out["difference"] + h
            out["p_value"] = float(stats.ttest_rel(a[ok], b[ok]).pvalue)
    out["unpaired_ci_low"], out["unpaired_ci_high"] = _welch_ci(a, b, level)
    return out


def _welch_ci(a: np.ndarray, b: np.ndarray, level: float) -> tuple[float, float]:
    """Welch CI of ``mean(a) - mean(b)``, each arm's NaNs dropped."""
    from scipy import stats

    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    if a.size < 2 or b.size < 2:
        return float("nan"), float("nan")
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    diff = float(a.mean() - b.mean())
    se = math.sqrt(va + vb)
    if se == 0.0:
        return diff, diff
    df = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
    h = float(stats.t.ppf(0.5 + level / 2, df)) * se
    return diff - h, diff + h


def _ci_text(level: float) -> str:
    """``"95% CI"`` (``"99.5% CI"``: no rounding of a level the user chose)."""
    return f"{100 * level:.10g}% CI"


def reach_summary(times, reached, horizon: float, *, level: float = 0.95) -> dict[str, float]:
    """One arm's time to an event censored at a common horizon (the time to a share
    of the market): share reaching it, Kaplan–Meier median, restricted mean.

    Every replicate is followed up to the same ``horizon``, so censoring happens only
    there: the Kaplan–Meier estimate of the distribution of the time is the empirical
    one up to the horizon, and its median is the ⌈n/2⌉-th smallest time (``inf``, i.e.
    beyond the horizon, when fewer than half reached it). The median's interval is the
    distribution-free order-statistic one, ``[t_(j), t_(n+1-j)]`` with the largest
    ``j`` such that ``2 P(B <= j - 1) <= 1 - level``, ``B ~ Binomial(n, 1/2)``
    (exact; conservative with tied weeks; NaN when n is too small for the level; an
    upper end beyond the horizon is ``inf``). The share reaching it has a
    Clopper–Pearson interval. The restricted mean is the mean of ``min(time,
    horizon)`` (the area under the not-yet-reached curve up to the horizon).

    Args:
        times: Step at which each replicate reached it (any value where not reached).
        reached: Whether each replicate reached it by the horizon.
        horizon: The common horizon (steps).
        level: Confidence level in (0, 1).

    Returns:
        ``replicates``, ``reached``, ``share_reached``, ``share_ci_low``,
        ``share_ci_high``, ``median``, ``median_ci_low``, ``median_ci_high``,
        ``restricted_mean``.

    Examples:
        >>> r = reach_summary([3, 5, 9, 0, 0], [True, True, True, False, False], 10)
        >>> r["share_reached"], r["median"], r["restricted_mean"]
        (0.6, 9.0, 7.4)
        >>> reach_summary([0, 0], [False, False], 10)["median"]
        inf
    """
    from scipy import stats

    reached = np.asarray(reached, dtype=bool)
    t = np.where(reached, np.asarray(times, dtype=float), math.inf)
    n = int(t.size)
    k = int(reached.sum())
    out = {"replicates": n, "reached": k, "share_reached": k / n if n else math.nan}
    nan = math.nan
    if n:
        ci = stats.binomtest(k, n).proportion_ci(confidence_level=level, method="exact")
        out["share_ci_low"], out["share_ci_high"] = float(ci.low), float(ci.high)
        order = np.sort(t)
        out["median"] = float(order[math.ceil(n / 2) - 1])
        # The largest j with 2 P(B <= j - 1) <= 1 - level (the CDF increases): the
        # interval [t_(j), t_(n+1-j)] covers the median with probability >= level.
        j = int((2 * stats.binom.cdf(np.arange(n), n, 0.5) <= 1 - level).sum())
        if j >= 1:
            out["median_ci_low"], out["median_ci_high"] = float(order[j - 1]), float(order[n - j])
        else:
            out["median_ci_low"] = out["median_ci_high"] = nan
        out["restricted_mean"] = float(np.minimum(t, horizon).mean())
    else:
        keys = ("share_ci_low", "share_ci_high", "median", "median_ci_low", "median_ci_high")
        out.update(dict.fromkeys((*keys, "restricted_mean"), nan))
    return out


def paired_reach(arm_times, arm_reached, base_times, base_reached) -> dict[str, float | int]:
    """Which of two arms reaches an event first, replicate by replicate (paired, CRN).

    A replicate that did not reach it by the horizon comes after any that did; when
    neither did, or both did in the same step, the pair is a tie. ``earlier`` and
    ``later`` count the pairs where the arm got there first or last; the two-sided
    exact sign test (binomial, 1/2) on them is valid with censoring at the common
    horizon because the order of every untied pair is known. McNemar's exact test
    compares the shares reaching it (pairs where only one arm did).

    Args:
        arm_times, arm_reached: The arm's steps and whether it reached it.
        base_times, base_reached: The baseline's, same replicates.

    Returns:
        ``earlier``, ``later``, ``ties``, ``sign_p_value`` (1 without untied
        pairs), ``only_arm``, ``only_baseline``, ``mcnemar_p_value`` (1 without
        discordant pairs).

    Examples:
        >>> r = paired_reach([2, 4, 0], [True, True, False], [3, 0, 0], [True, False, False])
        >>> r["earlier"], r["later"], r["ties"], r["only_arm"]
        (2, 0, 1, 1)
    """
    from scipy import stats

    ar, br = np.asarray(arm_reached, dtype=bool), np.asarray(base_reached, dtype=bool)
    a = np.where(ar, np.asarray(arm_times, dtype=float), math.inf)
    b = np.where(br, np.asarray(base_times, dtype=float), math.inf)
    earlier, later = int((a < b).sum()), int((a > b).sum())
    only_arm, only_base = int((ar & ~br).sum()), int((br & ~ar).sum())
    sign = stats.binomtest(earlier, earlier + later).pvalue if earlier + later else 1.0
    mcnemar = (
        stats.binomtest(only_arm, only_arm + only_base).pvalue if only_arm + only_base else 1.0
    )
    return {
        "earlier": earlier,
        "later": later,
        "ties": int(a.size - earlier - later),
        "sign_p_value": float(sign),
        "only_arm": only_arm,
        "only_baseline": only_base,
        "mcnemar_p_value": float(mcnemar),
    }


@dataclass
class Comparison:
    """What :func:`compare` produced.

    Attributes:
        results: The underlying :class:`sim.results.Results` (every arm, CRN).
        values: One row per (arm, replicate): ``arm``, ``replicate`` and one column
            per measure compared.
        table: Tidy: one row per (arm, measure): ``arm``, ``measure``, ``label``,
            ``unit``, ``better``, ``mean``, ``ci_low``, ``ci_high``, ``n`` (replicates
            with a value), ``missing`` (replicates without) and ``missing_means``
            (what a missing value means: ``"not reached"``, ``"no meetup held"``...).
        differences: One row per (arm other than the baseline, measure):
            ``arm``, ``baseline``, ``measure``, ``label``, ``unit``, ``better``,
            ``mean_arm``, ``mean_baseline``, ``difference`` (arm − baseline, paired),
            ``ci_low``, ``ci_high`` (paired t), ``p_value``, ``significant``,
            ``n_pairs``, ``unpaired_ci_low``, ``unpaired_ci_high`` (Welch, for
            reference), ``winner`` (arm, baseline or empty) and ``verdict``.
        measures: The measures compared, in order.
        baseline: The baseline arm.
        options: The options of the comparison (``baseline``, ``week``,
            ``market_share``, ``level``, ``equal_budget``).
        survival: The time to the market share as a time to an event censored at
            the horizon, one row per arm (empty when it is not measured): ``arm``,
            ``target`` (people), ``horizon``, then :func:`reach_summary`'s columns
            (share reaching it with its interval, Kaplan–Meier median with its
            interval, ``inf`` beyond the horizon, restricted mean) and, against the
            baseline (NaN on the baseline's row), :func:`paired_reach`'s
            (``earlier``, ``later``, ``ties``, ``sign_p_value``, ``only_arm``,
            ``only_baseline``, ``mcnemar_p_value``).

    Examples:
        >>> import sim
        >>> c = sim.compare({"name": "demo", "seed": 1, "replicates": 3,
        ...     "network": {"dataset": "karate"}, "model": {"name": "ic", "p": 0.1},
        ...     "seeding": {"k": 1},
        ...     "arms": [{"name": "one"}, {"name": "five", "seeding": {"k": 5}}]})
        >>> c.arms, c.baseline, len(c.verdicts) == len(c.differences)
        (['one', 'five'], 'one', True)
        >>> c.survival[["arm", "replicates"]].values.tolist()
        [['one', 3], ['five', 3]]
    """

    results: object
    values: pd.DataFrame
    table: pd.DataFrame
    differences: pd.DataFrame
    measures: list[Measure]
    baseline: str
    options: dict = field(default_factory=dict)
    survival: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def verdicts(self) -> list[str]:
        """One plain-language line per (arm, measure) against the baseline."""
        return list(self.differences["verdict"])

    @property
    def arms(self) -> list[str]:
        """Arm names in run order."""
        return list(self.results.arms)

    def save(self, path, *, force: bool = False, report: bool = True) -> Path:
        """Write a results folder (as ``wom run`` does) plus the comparison.

        Adds ``comparison.parquet`` (:attr:`table`), ``differences.parquet``
        (:attr:`differences`), ``comparison_values.parquet`` (:attr:`values`),
        ``survival.parquet`` (:attr:`survival`), ``verdicts.txt`` and, with
        ``report``, a ``report.html`` that opens with the comparison. The
        comparison's options and measures are recorded in ``run.json`` under
        ``compare``; :func:`load_comparison` reads the folder back.

        Args:
            path: The folder to create.
            force: Replace an existing folder.
            report: Write ``report.html``.

        Returns:
            The folder's path.

        Raises:
            ValidationError: The folder exists and ``force`` is false, or cannot be
                written.

        Examples:
            >>> import sim, tempfile
            >>> c = sim.compare({"name": "demo", "seed": 1, "replicates": 2,
            ...     "network": {"dataset": "karate"}, "model": {"name": "ic", "p": 0.1},
            ...     "seeding": {"k": 1},
            ...     "arms": [{"name": "one"}, {"name": "two", "seeding": {"k": 2}}]})
            >>> folder = c.save(tempfile.mkdtemp() + "/cmp", report=False)
            >>> sorted(p.name for p in folder.iterdir() if "comparison" in p.name)
            ['comparison.parquet', 'comparison_values.parquet']
        """

        def extras(tmp: Path) -> None:
            self.table.to_parquet(tmp / "comparison.parquet", index=False)
            self.differences.to_parquet(tmp / "differences.parquet", index=False)
            self.values.to_parquet(tmp / "comparison_values.parquet", index=False)
            self.survival.to_parquet(tmp / "survival.parquet", index=False)
            (tmp / "verdicts.txt").write_text("\n".join(self.verdicts) + "\n", encoding="utf-8")
            if report:
                from sim.experiments.compare_report import render_comparison_report

                (tmp / "report.html").write_text(render_comparison_report(self), encoding="utf-8")

        self.results.meta["compare"] = _record(self.options, self.measures)
        return self.results.save(path, force=force, extras=extras)


def _record(options: dict, measures: list[Measure]) -> dict:
    """What ``run.json`` keeps under ``compare``: the options and the measures."""
    return {**options, "measures": [asdict(m) for m in measures]}


def is_comparison(path) -> bool:
    """Whether a folder holds a comparison (written by :meth:`Comparison.save`).

    Args:
        path: A folder.

    Returns:
        ``True`` if it has ``comparison.parquet``.

    Examples:
        >>> import tempfile
        >>> is_comparison(tempfile.mkdtemp())
        False
    """
    return (Path(path) / "comparison.parquet").is_file()


def load_comparison(path) -> Comparison:
    """Read a comparison back from its results folder (:meth:`Comparison.save`).

    The comparison equals the one saved: same results, per-replicate values,
    tables, measures, baseline and options, so its report can be rebuilt
    (``wom report DIR``).

    Args:
        path: The results folder.

    Returns:
        The comparison.

    Raises:
        ValidationError: The folder is not a results folder, or not a comparison
            (a file of the comparison is missing; key ``results``).
        SimError: A file cannot be read.

    Examples:
        >>> import sim, tempfile
        >>> c = sim.compare({"name": "demo", "seed": 1, "replicates": 3,
        ...     "network": {"dataset": "karate"}, "model": {"name": "ic", "p": 0.1},
        ...     "seeding": {"k": 1},
        ...     "arms": [{"name": "one"}, {"name": "five", "seeding": {"k": 5}}]})
        >>> folder = c.save(tempfile.mkdtemp() + "/cmp", report=False)
        >>> load_comparison(folder).verdicts == c.verdicts
        True
    """
    from sim.errors import SimError
    from sim.results import load_results

    path = Path(path)
    results = load_results(path)
    record = results.meta.get("compare")
    missing = [name for name in COMPARISON_FILES if not (path / name).is_file()]
    if missing or not isinstance(record, dict) or "measures" not in record:
        what = ", ".join(missing) if missing else "run.json's compare record"
        raise ValidationError(
            f"{path} is not a comparison results folder (missing {what}); it was not "
            "written by wom compare, or by an older version: run wom compare again",
            key="results",
        )
    try:
        frames = {name: pd.read_parquet(path / name) for name in COMPARISON_FILES}
        measures = [Measure(**m) for m in record["measures"]]
    except Exception as exc:  # pyarrow raises many types
        raise SimError(f"{path}: cannot read the comparison: {exc}") from None
    options = {k: v for k, v in record.items() if k != "measures"}
    return Comparison(
        results=results,
        values=frames["comparison_values.parquet"],
        table=frames["comparison.parquet"],
        differences=frames["differences.parquet"],
        measures=measures,
        baseline=options["baseline"],
        options=options,
        survival=frames["survival.parquet"],
    )


# ----------------------------------------------------------------------- options
def _check_number(value, key: str, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValidationError(f"{what} must be a number, got {value!r}", key=key)
    value = float(value)
    if math.isnan(value):
        raise ValidationError(f"{what} must be a number, got nan", key=key)
    return value


def _equal_budget(scenario, budget):
    """The scenario with every arm's ``budget.total`` set to ``budget``."""
    total = _check_number(budget, "budget.total", "equal budget")
    if total < 0 or math.isinf(total):
        raise ValidationError(
            f"equal budget (--equal-budget) must be >= 0 currency units, got {budget!r}",
            key="budget.total",
        )
    models = sorted({arm.model.name for _, arm in scenario.arm_scenarios()})
    if models != ["wom"]:
        raise ValidationError(
            "equal budget (--equal-budget) needs the marketing model "
            f"(model.name = 'wom'), which has a budget; this scenario's model is "
            f"{', '.join(repr(m) for m in models)}",
            key="budget.total",
        )
    data = scenario.to_dict()
    data["budget"] = {**(data.get("budget") or {}), "total": total}
    for arm in data.get("arms") or []:
        if arm.get("budget"):
            arm["budget"] = {k: v for k, v in arm["budget"].items() if k != "total"} or None
            if arm["budget"] is None:
                del arm["budget"]
    out = type(scenario).model_validate(data)
    out._source_path = scenario._source_path
    return out


def _horizon(arms) -> int | None:
    """The shortest horizon over arms (``None`` if an arm runs until nothing changes)."""
    steps = [arm.steps for _, arm in arms]
    return None if any(s is None for s in steps) else min(steps)


# ---------------------------------------------------------------------- measures
def _per_replicate(results, *, week, market_share, unit_of_time: str, horizon: int | None):
    """The per-replicate measures, their descriptions and each arm's market-share
    target in people (``{}`` when the time to it is not measured)."""
    sm, ts = results.summary, results.timeseries
    keys = ["arm", "replicate"]
    values = sm[keys].copy()
    measures: list[Measure] = []
    values["final_adopted"] = sm["final_adopted"].astype(float).to_numpy()
    measures.append(MEASURES["final_adopted"])

    if week is not None:
        upto = ts[ts["step"] <= week].sort_values([*keys, "step"])
        by_week = upto.groupby(keys, observed=True)["cumulative_adopted"].last()
        by_week = by_week.rename("adopted_by_week").astype(float).reset_index()
        values = values.merge(by_week, on=keys, how="left")
        measures.append(
            Measure("adopted_by_week", f"adopters by {unit_of_time} {week}", "people", digits=0)
        )

    nodes = {arm: d.get("nodes") for arm, d in (results.meta.get("networks") or {}).items()}
    arms = list(values["arm"].cat.categories) if hasattr(values["arm"], "cat") else []
    target: dict[str, int] = {}
    if arms and all(nodes.get(a) for a in arms):
        target = {a: max(1, math.ceil(market_share * nodes[a] - 1e-9)) for a in arms}
        # Censored at the horizon: the scenario's (the shortest arm's), else the last
        # step of the longest run (runs that stop when nothing changes never get there).
        tau = int(horizon) if horizon is not None else int(ts["step"].max())
        reached_rows = ts[ts["cumulative_adopted"] >= ts["arm"].map(target).astype(float)]
        first = reached_rows.groupby(keys, observed=True)["step"].min()
        first = first.rename("_first").astype(float).reset_index()
        values = values.merge(first, on=keys, how="left")
        reached = (values["_first"] <= tau).to_numpy()
        values["time_to_share"] = np.where(reached, values["_first"].to_numpy(), float(tau))
        values["reached_share"] = reached
        values = values.drop(columns="_first")
        people = sorted(set(target.values()))
        who = f"{people[0]:,} people" if len(people) == 1 else "people"
        measures.append(
            Measure(
                "time_to_share",
                f"{unit_of_time}s to {100 * market_share:g}% of the market ({who})",
                f"{unit_of_time}s",
                higher_is_better=False,
                digits=1,
                missing=f"not reached by {unit_of_time} {tau}, counted as {tau}",
                horizon=tau,
            )
        )

    for name, m in MEASURES.items():
        if name == "final_adopted" or name not in sm:
            continue
        col = sm[name].astype(float)
        if col.isna().all():
            continue
        if name in ("final_members",) and not (col > 0).any():
            continue
        values[name] = col.to_numpy()
        measures.append(m)
    return values, measures, target


def _table(values: pd.DataFrame, measures: list[Measure], level: float) -> pd.DataFrame:
    rows = []
    for arm, g in values.groupby("arm", sort=False, observed=True):
        for m in measures:
            x = g[m.name].to_numpy(dtype=float)
            mean, lo, hi = mean_ci(x, level)
            # A restricted time has a value everywhere; n counts the replicates that
            # got there, the others are "missing" (counted at the horizon).
            ok = g["reached_share"].to_numpy(bool) if m.horizon is not None else ~np.isnan(x)
            n = int(ok.sum())
            rows.append(
                {"arm": str(arm), "measure": m.name, "label": m.label, "unit": m.unit,
                 "better": m.better, "mean": mean, "ci_low": lo, "ci_high": hi, "n": n,
                 "missing": int(x.size - n), "missing_means": m.missing}
            )  # fmt: skip
    return pd.DataFrame(rows)


def _pvalue(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _verdict(
    m: Measure, arm: str, base: str, row: dict, level: float, missing: tuple, note: str = ""
) -> str:
    """One plain-language line for a difference (``note`` ends the parenthesis)."""
    ci = _ci_text(level)
    n = row["n_pairs"]
    miss_arm, miss_base, total = missing
    if n < 2:
        if miss_arm == total and miss_base == total:
            return (
                f"{m.label}: neither {arm} nor {base} has a value ({m.missing} in every replicate)"
            )
        if miss_arm == total or miss_base == total:
            has, hasnt = (base, arm) if miss_arm == total else (arm, base)
            mean = row["mean_baseline"] if has == base else row["mean_arm"]
            return (
                f"{m.label}: only {has} has a value (mean {format_value(m, mean, unit=True)}); "
                f"{hasnt}: {m.missing} in all {total} replicates, so no comparison"
            )
        return (
            f"{m.label}: cannot compare {arm} with {base} (only {n} replicate(s) with a value "
            f"for both; {m.missing}: {arm} {miss_arm}, {base} {miss_base} of {total})"
        )
    diff = row["difference"]
    if miss_arm or miss_base:
        note = f"; {m.missing} in {arm} {miss_arm}, {base} {miss_base} of {total} replicates{note}"
    lower = "" if m.higher_is_better else f"; {m.better} is better"
    if not row["significant"]:
        if row["ci_low"] == row["ci_high"] == diff == 0.0:
            return (
                f"no significant difference between {arm} and {base} on {m.label} "
                f"(identical in all {n} replicates{note})"
            )
        return (
            f"no significant difference between {arm} and {base} on {m.label} "
            f"(difference {'+' if diff >= 0 else '−'}{_fmt_diff(m, abs(diff))} {m.unit}, "
            f"{ci} {_signed(m, row['ci_low'])} to {_signed(m, row['ci_high'])}, "
            f"{_pvalue(row['p_value'])}{note})"
        )
    arm_better = (diff > 0) == m.higher_is_better
    verb = "beats" if arm_better else "trails"
    lo, hi = sorted((abs(row["ci_low"]), abs(row["ci_high"])))
    return (
        f"{arm} {verb} {base} on {m.label} by {_fmt_diff(m, abs(diff))} {m.unit} "
        f"({ci} {_fmt_diff(m, lo)} to {_fmt_diff(m, hi)}{lower}), significant "
        f"({_pvalue(row['p_value'])}{note})"
    )


def _verdict_time(
    m: Measure, arm: str, base: str, row: dict, level: float, reach: dict, got: tuple
) -> str:
    """The verdict on a time restricted to the horizon: the paired difference of the
    restricted times, with how many replicates got there and the sign test."""
    got_arm, got_base, total = got
    if got_arm == 0 and got_base == 0:
        return (
            f"{m.label}: neither {arm} nor {base} got there in any of {total} replicates "
            f"(within the {m.horizon}-{m.unit[:-1]} horizon), so no comparison"
        )
    note = (
        f"; reached in {arm} {got_arm}, {base} {got_base} of {total} replicates, not reached "
        f"counted as the {m.horizon}-{m.unit[:-1]} horizon; {arm} first in {reach['earlier']} "
        f"pairs, later in {reach['later']}, sign test {_pvalue(reach['sign_p_value'])}"
    )
    return _verdict(m, arm, base, row, level, (0, 0, total), note)


def _signed(m: Measure, x: float) -> str:
    return ("−" if x < 0 else "") + _fmt_diff(m, abs(x))


def _differences(values, measures, arms, baseline, level) -> pd.DataFrame:
    alpha = 1 - level
    rows = []
    wide = {
        m.name: values.pivot_table(
            index="replicate", columns="arm", values=m.name, observed=False, dropna=False
        ).reindex(columns=arms)
        for m in measures
    }
    if "reached_share" in values:
        reached = values.pivot_table(
            index="replicate", columns="arm", values="reached_share", observed=False
        ).reindex(columns=arms)
    for arm in arms:
        if arm == baseline:
            continue
        for m in measures:
            w = wide[m.name]
            a, b = w[arm].to_numpy(dtype=float), w[baseline].to_numpy(dtype=float)
            row = paired_difference(a, b, level=level)
            sig = bool(row["p_value"] < alpha) if row["n_pairs"] >= 2 else False
            row["significant"] = sig
            winner = ""
            if sig:
                winner = arm if (row["difference"] > 0) == m.higher_is_better else baseline
            missing = (int(np.isnan(a).sum()), int(np.isnan(b).sum()), int(a.size))
            row = {"arm": arm, "baseline": baseline, "measure": m.name, "label": m.label,
                   "unit": m.unit, "better": m.better,
                   "mean_arm": float(np.nanmean(a)) if missing[0] < a.size else float("nan"),
                   "mean_baseline": float(np.nanmean(b)) if missing[1] < b.size else float("nan"),
                   **row, "winner": winner}  # fmt: skip
            if m.horizon is not None:
                ra, rb = reached[arm].to_numpy(bool), reached[baseline].to_numpy(bool)
                reach = paired_reach(a, ra, b, rb)
                got = (int(ra.sum()), int(rb.sum()), int(a.size))
                row["verdict"] = _verdict_time(m, arm, baseline, row, level, reach, got)
            else:
                row["verdict"] = _verdict(m, arm, baseline, row, level, missing)
            rows.append(row)
    cols = ["arm", "baseline", "measure", "label", "unit", "better", "mean_arm",
            "mean_baseline", "difference", "ci_low", "ci_high", "p_value", "significant",
            "n_pairs", "unpaired_ci_low", "unpaired_ci_high", "winner", "verdict"]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


def _survival(values, measures, arms, baseline, targets, level) -> pd.DataFrame:
    """Per arm: the time to the market share as a censored time to an event."""
    m = next((m for m in measures if m.horizon is not None), None)
    if m is None:
        return pd.DataFrame()

    def wide(col: str) -> pd.DataFrame:
        return values.pivot_table(
            index="replicate", columns="arm", values=col, observed=False
        ).reindex(columns=arms)

    times, reached = wide("time_to_share"), wide("reached_share")
    base_t, base_r = times[baseline].to_numpy(float), reached[baseline].to_numpy(bool)
    rows = []
    for arm in arms:
        t, r = times[arm].to_numpy(float), reached[arm].to_numpy(bool)
        row = {"arm": arm, "target": targets[arm], "horizon": m.horizon}
        row.update(reach_summary(t, r, m.horizon, level=level))
        if arm == baseline:
            row.update(dict.fromkeys(_PAIRED_REACH, math.nan))
        else:
            row.update(paired_reach(t, r, base_t, base_r))
        rows.append(row)
    return pd.DataFrame(rows)


_PAIRED_REACH = (
    "earlier", "later", "ties", "sign_p_value", "only_arm", "only_baseline", "mcnemar_p_value",
)  # fmt: skip


# ------------------------------------------------------------------------- entry
def compare(
    scenario,
    *,
    baseline: str | None = None,
    week: int | None = None,
    market_share: float = 0.5,
    replicates: int | None = None,
    seed: int | None = None,
    equal_budget: float | None = None,
    level: float = 0.95,
    progress: Callable[[str, int], None] | None = None,
    command: str | None = None,
) -> Comparison:
    """Run every arm of a scenario (common random numbers) and compare them.

    Args:
        scenario: A :class:`sim.scenario.Scenario`, a path to a TOML file, or a dict;
            it needs at least two arms.
        baseline: The arm the others are compared with (default: the first arm).
        week: Also compare the adopters by this week (step); default: not
            repeated, since at the horizon it is the final adopters.
        market_share: Compare the weeks until this share (0, 1] of the network's
            people has adopted, censored at the horizon: a replicate that never gets
            there counts as the horizon in the mean and the paired test (restricted
            times), and :attr:`Comparison.survival` gives the share reaching it and
            the Kaplan–Meier median.
        replicates: Override the scenario's replicates (at least 2).
        seed: Override the master seed.
        equal_budget: Give every arm this ``budget.total`` (currency units, >= 0;
            model ``wom`` only): compares channel mixes at equal money.
        level: Confidence level of every interval, and ``1 - level`` the
            significance threshold.
        progress: Called as ``progress(arm, replicates_done)`` after each arm (``None``
            or ``False``: nothing reported).
        command: The command line, for the record.

    Returns:
        A :class:`Comparison`.

    Raises:
        ValidationError: Naming the option at fault (``baseline``, ``week``,
            ``market_share``, ``level``, ``replicates``, ``budget.total``) or a
            scenario key.

    Examples:
        >>> import sim
        >>> c = sim.compare({"name": "demo", "seed": 1, "replicates": 5,
        ...     "network": {"dataset": "karate"}, "model": {"name": "ic", "p": 0.1},
        ...     "seeding": {"k": 1},
        ...     "arms": [{"name": "one seed"}, {"name": "five seeds", "seeding": {"k": 5}}]})
        >>> c.table.columns[:3].tolist(), c.baseline
        (['arm', 'measure', 'label'], 'one seed')
        >>> c.verdicts[0].startswith("five seeds beats one seed on final adopters")
        True
    """
    from sim.contagion._common import check_int
    from sim.experiments.run import run
    from sim.scenario import Scenario, load_scenario

    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    level = _check_number(level, "level", "level")
    if not 0 < level < 1:
        raise ValidationError(f"must be in (0, 1), got {level:g}", key="level")
    market_share = _check_number(market_share, "market_share", "market share")
    if not 0 < market_share <= 1:
        raise ValidationError(
            f"must be in (0, 1] (a share of the network's people), got {market_share:g}",
            key="market_share",
        )
    if replicates is not None:
        replicates = check_int(replicates, "replicates", minimum=2)
    elif scenario.replicates < 2:
        raise ValidationError(
            f"a comparison needs at least 2 replicates per arm, got {scenario.replicates}",
            key="replicates",
        )
    if equal_budget is not None:
        scenario = _equal_budget(scenario, equal_budget)
    arms_sc = scenario.arm_scenarios()
    arms = [name for name, _ in arms_sc]
    if len(arms) < 2:
        raise ValidationError(
            "a comparison needs at least two [[arms]]; the scenario has none", key="arms"
        )
    if baseline is None:
        baseline = arms[0]
    elif baseline not in arms:
        raise ValidationError(
            f"no arm named {baseline!r} (arms: {', '.join(arms)})", key="baseline"
        )
    horizon = _horizon(arms_sc)
    if week is not None:
        week = check_int(week, "week", minimum=0)
        if horizon is not None and week > horizon:
            raise ValidationError(
                f"week {week} is beyond the horizon: the scenario runs {horizon} steps",
                key="week",
            )
    wom = all(arm.model.name == "wom" for _, arm in arms_sc)
    results = run(scenario, replicates=replicates, seed=seed, progress=progress, command=command)
    values, measures, targets = _per_replicate(
        results,
        week=None if week is not None and week == horizon else week,
        market_share=market_share,
        unit_of_time="week" if wom else "step",
        horizon=horizon,
    )
    table = _table(values, measures, level)
    differences = _differences(values, measures, arms, baseline, level)
    survival = _survival(values, measures, arms, baseline, targets, level)
    options = {
        "baseline": baseline,
        "week": week,
        "market_share": market_share,
        "level": level,
        "equal_budget": None if equal_budget is None else float(equal_budget),
    }
    results.meta["compare"] = _record(options, measures)
    return Comparison(
        results=results,
        values=values,
        table=table,
        differences=differences,
        measures=measures,
        baseline=baseline,
        options=options,
        survival=survival,
    )
