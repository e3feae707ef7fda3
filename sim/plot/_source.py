"""One replicate's people (and network) from whatever the user holds.

The referral tree and the network snapshot draw one replicate of one arm. They accept:

* :class:`sim.results.Results` of a ``wom`` run, or its folder (``arm=``, ``replicate=``): the
  people kept by the run (``outputs.people``), the network rebuilt from the resolved
  scenario; another week than the last is replayed (:func:`sim.model.people_at`);
* a scenario (a :class:`sim.scenario.Scenario`, a TOML path or a dict): replayed;
* a :class:`sim.model.WordOfMouthModel`: its people and network now;
* a :class:`sim.model.WomRun` with ``people_of``, or a people frame (one replicate, or
  several with ``arm``/``replicate`` columns to choose from): drawn as they are.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.errors import ValidationError

_PEOPLE_COLUMNS = ("id", "adopted_step", "channel", "referrer_id", "depth")


@dataclass
class OneRun:
    """One replicate of one arm, at one week.

    Attributes:
        people: The people frame of that replicate (one row per person).
        network: The network, or ``None`` when the source has none.
        step: The week ``people`` describes, or ``None`` if unknown.
        arm: The arm's name, or ``None``.
        replicate: The replicate index, or ``None``.
    """

    people: pd.DataFrame
    network: object | None
    step: int | None
    arm: str | None
    replicate: int | None

    def describe(self) -> str:
        """``arm 'x', replicate r, week t`` (the parts that are known)."""
        parts = []
        if self.arm is not None:
            parts.append(f"arm {self.arm!r}")
        if self.replicate is not None:
            parts.append(f"replicate {self.replicate}")
        if self.step is not None:
            parts.append(f"week {self.step}")
        return ", ".join(parts)

    @property
    def first_pin(self) -> np.ndarray:
        """Node ids of the first pin."""
        p = self.people
        if "first_pin" in p:
            return p["id"][p["first_pin"].astype(bool)].to_numpy(dtype=np.int64)
        return p["id"][p["channel"] == "first_pin"].to_numpy(dtype=np.int64)

    @property
    def influencers(self) -> np.ndarray:
        """Node ids of the paid influencers (from the ``influencer`` column, else those
        who won somebody)."""
        p = self.people
        if "influencer" in p:
            return p["id"][p["influencer"].astype(bool)].to_numpy(dtype=np.int64)
        ref = p["referrer_id"][(p["channel"] == "influencer") & (p["referrer_id"] >= 0)]
        return np.unique(ref.to_numpy(dtype=np.int64))


def _is_model(obj) -> bool:
    return hasattr(obj, "datacollector") and hasattr(obj, "_prep") and hasattr(obj, "network")


def _is_results(obj) -> bool:
    return all(hasattr(obj, a) for a in ("timeseries", "summary", "scenario", "meta"))


def _is_scenario(obj) -> bool:
    from sim.scenario import Scenario

    return isinstance(obj, Scenario | dict | str | os.PathLike)


def check_step(step) -> int | None:
    """A week (int >= 0) or ``None``."""
    if step is None:
        return None
    from sim.contagion._common import check_int

    return check_int(step, "step", minimum=0)


def one_run(
    source,
    people=None,
    *,
    arm=None,
    replicate: int | None = None,
    step: int | None = None,
    need_network: bool = False,
    exact_step: bool = True,
) -> OneRun:
    """Resolve a source into one replicate's people (see the module docstring).

    Args:
        source: Results, a scenario, a model, a run, a people frame, or a network
            (then ``people`` gives the people).
        people: The people (a frame or a run) when ``source`` is a network.
        arm: The arm (default: the first).
        replicate: The replicate (default: the first kept, else 0).
        step: The week wanted; ``None``: the last.
        need_network: Fail unless a network is found.
        exact_step: The people must describe week ``step`` exactly (replayed if
            needed); otherwise the last week is returned and the caller filters.

    Returns:
        The resolved run.

    Raises:
        ValidationError: An unknown arm or replicate, a source without people, a
            week that cannot be had from it, or no network when one is needed.
    """
    from sim.plot._common import results_folder

    step = check_step(step)
    source = results_folder(source)
    if _is_model(source):
        if people is not None:
            raise ValidationError("a model has its own people: do not pass people=", key="people")
        current = int(source.steps)
        if step is not None and step != current and exact_step:
            raise ValidationError(
                f"the model is at week {current}: step it to week {step} first (or draw "
                "from results or a scenario, which are replayed)",
                key="step",
            )
        return OneRun(source.people, source.network, current, getattr(source, "arm", None), 0)
    if _is_results(source):
        return _from_results(source, arm, replicate, step, exact_step)
    if isinstance(source, pd.DataFrame) or hasattr(source, "people_of"):
        if people is not None:
            raise ValidationError("give the people once (as source or people=)", key="people")
        run = _from_people(source, arm, replicate, step, exact_step)
        if need_network:
            raise ValidationError(
                "a network snapshot needs the network: pass it first and the people "
                "second, network_snapshot(network, people), or pass results, a scenario "
                "or a model",
                key="network",
            )
        return run
    if people is not None:  # a network and its people
        from sim.contagion._common import as_network

        net = as_network(source)
        run = _from_people(people, arm, replicate, step, exact_step)
        if len(run.people) != net.num_nodes:
            raise ValidationError(
                f"the people frame has {len(run.people)} rows but the network "
                f"{net.num_nodes} people (one replicate of this network?)",
                key="people",
            )
        run.network = net
        return run
    if _is_scenario(source):
        return _from_scenario(source, arm, replicate, step)
    raise ValidationError(
        f"cannot draw people from {type(source).__name__}: give results, a scenario, a "
        "WordOfMouthModel, a WomRun with people_of, a people frame, or a network and its "
        "people",
        key="source",
    )


def _from_people(source, arm, replicate, step, exact_step) -> OneRun:
    """A people frame (or a WomRun's) narrowed to one arm and replicate."""
    run_steps = None
    if not isinstance(source, pd.DataFrame):
        frame = getattr(source, "people", None)
        if frame is None:
            raise ValidationError(
                "the run kept no people: run simulate_wom(..., people_of=r)", key="people_of"
            )
        run_steps = getattr(source, "steps", None)
    else:
        frame = source
    missing = [c for c in _PEOPLE_COLUMNS if c not in frame]
    if missing:
        raise ValidationError(
            f"not a people frame of the marketing model: no {', '.join(missing)}", key="people"
        )
    chosen_arm = None
    if "arm" in frame:
        arms = [a for a in pd.unique(frame["arm"])]
        chosen_arm = arms[0] if arm is None else arm
        if chosen_arm not in arms:
            raise ValidationError(f"no arm {arm!r} (arms: {', '.join(map(str, arms))})", key="arm")
        frame = frame[frame["arm"] == chosen_arm]
    elif arm is not None:
        raise ValidationError("these people have no arm column: leave arm= out", key="arm")
    chosen_rep = None
    if "replicate" in frame:
        reps = sorted(pd.unique(frame["replicate"]).tolist())
        chosen_rep = reps[0] if replicate is None else replicate
        if chosen_rep not in reps:
            raise ValidationError(
                f"replicate {replicate} was not kept (kept: {', '.join(map(str, reps))})",
                key="replicate",
            )
        frame = frame[frame["replicate"] == chosen_rep]
    frame_step = run_steps
    if "step" in frame:
        steps = sorted(pd.unique(frame["step"]).tolist())
        frame_step = (steps[-1] if step is None else step) if exact_step else steps[-1]
        if frame_step not in steps:
            raise ValidationError(
                f"week {step} is not in these people (weeks: {', '.join(map(str, steps))})",
                key="step",
            )
        frame = frame[frame["step"] == frame_step]
    elif step is not None and exact_step and step != run_steps:
        raise ValidationError(
            "a people frame is one moment (the end of the run): for another week, draw "
            "from results or a scenario (replayed), or from sim.model.people_at(...)",
            key="step",
        )
    return OneRun(frame.reset_index(drop=True), None, frame_step, chosen_arm, chosen_rep)


def _arm_scenario(scenario, arm):
    """``(name, arm scenario)`` of a wom scenario's arm (default: the first)."""
    arms = scenario.arm_scenarios()
    names = [name for name, _ in arms]
    if arm is None:
        name, sc = arms[0]
    elif arm in names:
        name, sc = arms[names.index(arm)]
    else:
        raise ValidationError(f"no arm {arm!r} (arms: {', '.join(names)})", key="arm")
    if sc.model.name != "wom":
        raise ValidationError(
            f"arm {name!r} runs model {sc.model.name!r}: people are drawn for the marketing "
            "model (model.name = 'wom') only",
            key="model.name",
        )
    return name, sc


def _network_of(sc):
    from sim.experiments.run import build_network

    return build_network(sc.to_dict()["network"], base_dir=sc.base_dir, default_seed=sc.seed)


def _replay(sc, name, replicate, step) -> OneRun:
    from sim.contagion._common import check_int
    from sim.experiments.run import wom_params
    from sim.model.simulate import people_at

    rep = 0 if replicate is None else check_int(replicate, "replicate", minimum=0)
    if rep >= sc.replicates:
        raise ValidationError(
            f"arm {name!r} has {sc.replicates} replicates (0 to {sc.replicates - 1})",
            key="replicate",
        )
    week = sc.steps if step is None else step
    net = _network_of(sc)
    frame = people_at(net, wom_params(sc), steps=week, seed=sc.seed, replicate=rep)
    return OneRun(frame.drop(columns="step"), net, week, name, rep)


def _from_scenario(source, arm, replicate, step) -> OneRun:
    from sim.scenario import Scenario, load_scenario

    sc = (
        source
        if isinstance(source, Scenario)
        else load_scenario(Path(source) if isinstance(source, os.PathLike) else source)
    )
    name, arm_sc = _arm_scenario(sc, arm)
    return _replay(arm_sc, name, replicate, step)


def _from_results(results, arm, replicate, step, exact_step) -> OneRun:
    if results.scenario is None:
        raise ValidationError("these results carry no scenario", key="results")
    name, sc = _arm_scenario(results.scenario, arm)
    kept = results.people
    if kept is not None and "arm" in kept:
        kept = kept[kept["arm"] == name]
    if kept is not None and len(kept) and (step is None or step == sc.steps or not exact_step):
        reps = sorted(pd.unique(kept["replicate"]).tolist())
        rep = reps[0] if replicate is None else replicate
        if rep in reps:
            frame = kept[kept["replicate"] == rep].reset_index(drop=True)
            return OneRun(frame, _LazyNetwork(sc), sc.steps, name, rep)
    return _replay(sc, name, replicate, step)


class _LazyNetwork:
    """The network of a scenario, built on first use (the tree does not need it)."""

    def __init__(self, sc) -> None:
        self._sc = sc
        self._net = None

    def get(self):
        if self._net is None:
            self._net = _network_of(self._sc)
        return self._net


def network_of(run: OneRun):
    """The network of a resolved run (built now if it was deferred), or ``None``."""
    net = run.network
    return net.get() if isinstance(net, _LazyNetwork) else net
