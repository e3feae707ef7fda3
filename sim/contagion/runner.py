"""Run R replicates of any classic model by name, with one master seed.

:func:`simulate` is the single entry point the experiments layer and the command
line use: it looks the model up in :data:`MODELS`, passes the parameters through the
model's own validating function, and returns a :class:`~sim.contagion._common.Cascades`
whose ``timeseries`` and ``summary`` are tidy pandas frames.

Replicates run in parallel over the cores (``numba.prange``); replicate ``r`` draws
only from child ``r`` of ``SeedSequence(seed)``, so the same seed gives identical
results whatever the number of threads, and replicate ``r`` of two different runs
with the same seed share their random stream (common random numbers).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from sim.contagion._common import Cascades
from sim.errors import ValidationError

__all__ = ["MODELS", "ModelInfo", "simulate"]


@dataclass(frozen=True)
class ModelInfo:
    """A classic model known to :func:`simulate`.

    Attributes:
        name: Registry name.
        title: Human name, for reports.
        loader: ``"module:function"`` of the validating public function.
        needs_network: False only for the mean-field Bass model.
        needs_steps: Whether a horizon is required (Bass never stops on its own).
    """

    name: str
    title: str
    loader: str
    needs_network: bool = True
    needs_steps: bool = False

    def function(self) -> Callable[..., Cascades]:
        """Import and return the model's public function."""
        import importlib

        module, func = self.loader.split(":")
        return getattr(importlib.import_module(module), func)

    def parameters(self) -> list[str]:
        """The model's own parameter names (not network/seeds/run options)."""
        common = {"network", "seeds", "replicates", "steps", "seed", "record"}
        sig = inspect.signature(self.function())
        return [p for p in sig.parameters if p not in common]


#: Classic models by name.
MODELS: dict[str, ModelInfo] = {
    m.name: m
    for m in [
        ModelInfo("ic", "independent cascade", "sim.contagion.cascade:independent_cascade"),
        ModelInfo("si", "SI (discrete time)", "sim.contagion.cascade:si"),
        ModelInfo("sir", "SIR (discrete time)", "sim.contagion.cascade:sir"),
        ModelInfo("lt", "linear threshold", "sim.contagion.threshold:linear_threshold"),
        ModelInfo(
            "threshold", "fractional / absolute threshold", "sim.contagion.threshold:threshold"
        ),
        ModelInfo("bass", "Bass on a network", "sim.contagion.bass:bass", needs_steps=True),
        ModelInfo(
            "bass_mean_field",
            "Bass, mean field (complete graph)",
            "sim.contagion.bass:bass_mean_field",
            needs_network=False,
            needs_steps=True,
        ),
    ]
}


def simulate(
    network,
    model: str,
    seeds: int | Sequence[Hashable] | None = None,
    *,
    replicates: int = 1,
    steps: int | None = None,
    seed: int | None = None,
    record: bool = True,
    **params,
) -> Cascades:
    """Run R replicates of a classic model on a network.

    Args:
        network: A :class:`~sim.network.Network` or a networkx graph (ignored, may be
            ``None``, for ``bass_mean_field``).
        model: One of :data:`MODELS`: ``ic``, ``si``, ``sir``, ``lt``, ``threshold``,
            ``bass``, ``bass_mean_field``.
        seeds: Seed nodes (labels, the same every replicate) or an int k (k nodes
            drawn at random afresh in each replicate), or ``None`` (Bass models).
        replicates: Number of replicates R >= 1.
        steps: Horizon in steps, or ``None`` to run until nothing changes.
        seed: Master seed (int >= 0); ``None`` draws one, recorded in the result.
        record: Keep the per-step time series (else only the final state).
        **params: The model's own parameters (e.g. ``p=0.1`` for ``ic``).

    Returns:
        A :class:`~sim.contagion._common.Cascades` with ``timeseries`` (``replicate``,
        ``seed``, ``step``, counts per state, ``cumulative_adopted``,
        ``new_adopted``) and ``summary`` (one row per replicate, ``final_adopted``,
        ``steps``) as tidy pandas frames.

    Raises:
        ValidationError: Unknown model or parameter, or any invalid value.

    Examples:
        >>> import networkx as nx
        >>> res = simulate(nx.karate_club_graph(), "ic", [0], p=1.0, replicates=2, seed=1)
        >>> res.summary["final_adopted"].tolist()
        [34, 34]
    """
    info = MODELS.get(model) if isinstance(model, str) else None
    if info is None:
        raise ValidationError(f"unknown model {model!r} (valid: {', '.join(MODELS)})", key="model")
    allowed = info.parameters()
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise ValidationError(
            f"unknown parameter {unknown[0]!r} for model {model!r} (allowed: {', '.join(allowed)})",
            key=f"model.{unknown[0]}",
        )
    fn = info.function()
    run_kw = {"replicates": replicates, "steps": steps, "seed": seed, "record": record}
    if not info.needs_network:
        return fn(**params, **run_kw)
    if info.needs_steps and steps is None:
        raise ValidationError(f"model {model!r} needs a horizon (steps)", key="steps")
    sig = inspect.signature(fn)
    if "seeds" in sig.parameters and list(sig.parameters).index("seeds") == 1:
        return fn(network, seeds, **params, **run_kw)
    return fn(network, **params, seeds=seeds, **run_kw)
