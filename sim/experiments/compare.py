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

Because of CRN the paired differences cancel the noise the arms share (the same
people drawn, the same coin flips), so their confidence intervals are narrower than
unpaired (Welch) intervals on the same data; both are reported.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
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
    "paired_difference",
]


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
    """

    name: str
    label: str
    unit: str
    higher_is_better: bool = True
    digits: int = 1
    percent: bool = False
    missing: str = "no value"

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
    """

    results: object
    values: pd.DataFrame
    table: pd.DataFrame
    differences: pd.DataFrame
    measures: list[Measure]
    baseline: str
    options: dict = field(default_factory=dict)

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
        (:attr:`differences`), ``verdicts.txt`` and, with ``report``, a
        ``report.html`` that opens with the comparison. The comparison's options are
        recorded in ``run.json`` under ``compare``.

        Args:
            path: The folder to create.
            force: Replace an existing folder.
            report: Write ``report.html``.

        Returns:
            The folder's path.
        """

        def extras(tmp: Path) -> None:
            self.table.to_parquet(tmp / "comparison.parquet", index=False)
            self.differences.to_parquet(tmp / "differences.parquet", index=False)
            (tmp / "verdicts.txt").write_text("\n".join(self.verdicts) + "\n", encoding="utf-8")
            if report:
                from sim.experiments.compare_report import render_comparison_report

                (tmp / "report.html").write_text(render_comparison_report(self), encoding="utf-8")

        self.results.meta["compare"] = dict(self.options)
        return self.results.save(path, force=force, extras=extras)


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
def _per_replicate(results, *, week, market_share, unit_of_time: str):
    """The per-replicate measures and their descriptions."""
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
    if arms and all(nodes.get(a) for a in arms):
        target = {a: max(1, math.ceil(market_share * nodes[a] - 1e-9)) for a in arms}
        reached_rows = ts[ts["cumulative_adopted"] >= ts["arm"].map(target).astype(float)]
        reached = reached_rows.groupby(keys, observed=True)["step"].min()
        reached = reached.rename("time_to_share").astype(float).reset_index()
        values = values.merge(reached, on=keys, how="left")
        people = sorted(set(target.values()))
        who = f"{people[0]:,} people" if len(people) == 1 else "people"
        measures.append(
            Measure(
                "time_to_share",
                f"{unit_of_time}s to {100 * market_share:g}% of the market ({who})",
                f"{unit_of_time}s",
                higher_is_better=False,
                digits=1,
                missing="not reached",
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
    return values, measures


def _table(values: pd.DataFrame, measures: list[Measure], level: float) -> pd.DataFrame:
    rows = []
    for arm, g in values.groupby("arm", sort=False, observed=True):
        for m in measures:
            x = g[m.name].to_numpy(dtype=float)
            mean, lo, hi = mean_ci(x, level)
            n = int((~np.isnan(x)).sum())
            rows.append(
                {"arm": str(arm), "measure": m.name, "label": m.label, "unit": m.unit,
                 "better": m.better, "mean": mean, "ci_low": lo, "ci_high": hi, "n": n,
                 "missing": int(x.size - n), "missing_means": m.missing}
            )  # fmt: skip
    return pd.DataFrame(rows)


def _pvalue(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _verdict(m: Measure, arm: str, base: str, row: dict, level: float, missing: tuple) -> str:
    """One plain-language line for a difference."""
    ci = f"{level:.0%} CI"
    n = row["n_pairs"]
    miss_arm, miss_base, total = missing
    if n < 2:
        if m.name == "time_to_share" and miss_arm != miss_base:
            first, second = (arm, base) if miss_arm < miss_base else (base, arm)
            got = {arm: total - miss_arm, base: total - miss_base}
            return (
                f"{first} beats {second} on {m.label}: reached in {got[first]} of {total} "
                f"replicates against {got[second]} of {total} (no paired test: "
                f"too few replicates where both reached it)"
            )
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
    note = ""
    if miss_arm or miss_base:
        note = f"; {m.missing} in {arm} {miss_arm}, {base} {miss_base} of {total} replicates"
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
            row["verdict"] = _verdict(m, arm, baseline, row, level, missing)
            rows.append(row)
    cols = ["arm", "baseline", "measure", "label", "unit", "better", "mean_arm",
            "mean_baseline", "difference", "ci_low", "ci_high", "p_value", "significant",
            "n_pairs", "unpaired_ci_low", "unpaired_ci_high", "winner", "verdict"]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


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
            people has adopted; replicates that never get there are counted as
            "not reached" (left out of the mean and of the paired test).
        replicates: Override the scenario's replicates (at least 2).
        seed: Override the master seed.
        equal_budget: Give every arm this ``budget.total`` (currency units, >= 0;
            model ``wom`` only): compares channel mixes at equal money.
        level: Confidence level of every interval, and ``1 - level`` the
            significance threshold.
        progress: Called as ``progress(arm, replicates_done)`` after each arm.
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
    values, measures = _per_replicate(
        results,
        week=None if week is not None and week == horizon else week,
        market_share=market_share,
        unit_of_time="week" if wom else "step",
    )
    table = _table(values, measures, level)
    differences = _differences(values, measures, arms, baseline, level)
    options = {
        "baseline": baseline,
        "week": week,
        "market_share": market_share,
        "level": level,
        "equal_budget": None if equal_budget is None else float(equal_budget),
    }
    results.meta["compare"] = options
    return Comparison(
        results=results,
        values=values,
        table=table,
        differences=differences,
        measures=measures,
        baseline=baseline,
        options=options,
    )
