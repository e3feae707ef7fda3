"""sim: a word-of-mouth diffusion simulator for community marketing.

The public names, by task:

* scenarios and runs: :func:`load_scenario`, :func:`run`, :func:`compare`,
  :class:`Results`, :func:`load_results`;
* parameter sweeps: :func:`sweep`, :func:`load_sweep` (more in :mod:`sim.sweeps`);
* networks: :class:`Network`, :func:`from_networkx`, :func:`to_networkx`,
  :func:`from_edges`, :func:`read_edgelist`, :func:`load_network`,
  :func:`load_dataset`, :func:`list_datasets`, :func:`generate` and the generators;
* classic models: :func:`simulate`, :func:`independent_cascade`, :func:`si`,
  :func:`sir`, :func:`linear_threshold`, :func:`threshold`, :func:`bass`,
  :func:`bass_mean_field`, :func:`bass_closed_form`, :func:`bass_discrete`;
* the word-of-mouth marketing model: :func:`simulate_wom` (replicates in parallel,
  tidy frames) and :class:`WordOfMouthModel` (a ``mesa.Model``; Mesa is imported on
  first use);
* errors: :class:`ValidationError` (bad input, exit code 2), :class:`SimError`.
"""

from sim._version import __version__
from sim.contagion import (
    MODELS,
    Cascades,
    bass,
    bass_closed_form,
    bass_discrete,
    bass_mean_field,
    independent_cascade,
    linear_threshold,
    si,
    simulate,
    sir,
    threshold,
)
from sim.errors import DataFileError, SimError, ValidationError
from sim.experiments import compare, run
from sim.model import simulate_wom
from sim.network import (
    GENERATORS,
    Network,
    barabasi_albert,
    complete,
    erdos_renyi,
    from_edges,
    from_networkx,
    generate,
    lfr,
    list_datasets,
    load_dataset,
    load_network,
    planted_partition,
    powerlaw_cluster,
    random_regular,
    read_edgelist,
    read_gml,
    read_graphml,
    ring_lattice,
    stochastic_block,
    to_networkx,
    watts_strogatz,
)
from sim.results import Results, load_results
from sim.scenario import Scenario, load_scenario
from sim.strategies import STRATEGIES, first_pin
from sim.sweeps import load_sweep, sweep

__all__ = [
    # first pin
    "first_pin",
    "STRATEGIES",
    "__version__",
    # scenarios and runs
    "Scenario",
    "load_scenario",
    "run",
    "compare",
    "Results",
    "load_results",
    # parameter sweeps
    "sweep",
    "load_sweep",
    # networks
    "Network",
    "from_networkx",
    "to_networkx",
    "from_edges",
    "read_edgelist",
    "read_gml",
    "read_graphml",
    "load_network",
    "load_dataset",
    "list_datasets",
    "GENERATORS",
    "generate",
    "complete",
    "erdos_renyi",
    "barabasi_albert",
    "watts_strogatz",
    "random_regular",
    "ring_lattice",
    "planted_partition",
    "stochastic_block",
    "lfr",
    "powerlaw_cluster",
    # classic models
    "MODELS",
    "Cascades",
    "simulate",
    "independent_cascade",
    "si",
    "sir",
    "linear_threshold",
    "threshold",
    "bass",
    "bass_mean_field",
    "bass_closed_form",
    "bass_discrete",
    # the word-of-mouth marketing model
    "simulate_wom",
    "WordOfMouthModel",
    # errors
    "ValidationError",
    "DataFileError",
    "SimError",
]


def __getattr__(name: str):
    """``WordOfMouthModel`` imports Mesa on first use (about a second)."""
    if name == "WordOfMouthModel":
        from sim.model.wom import WordOfMouthModel

        return WordOfMouthModel
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
