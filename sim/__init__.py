"""sim: a word-of-mouth diffusion simulator for community marketing.

The public names, by task:

* scenarios and runs: :func:`load_scenario`, :func:`run`, :func:`compare`,
  :func:`load_comparison`, :class:`Results`, :func:`load_results`;
* parameter sweeps: :func:`sweep`, :func:`load_sweep` (more in :mod:`sim.sweeps`);
* calibration: :func:`calibrate`, :func:`load_calibration` (more in :mod:`sim.calibration`);
* networks: :class:`Network`, :func:`from_networkx`, :func:`to_networkx`,
  :func:`from_edges`, :func:`read_edgelist`, :func:`load_network`,
  :func:`load_dataset`, :func:`list_datasets`, :func:`generate` and the generators;
* classic models: :func:`simulate`, :func:`independent_cascade`, :func:`si`,
  :func:`sir`, :func:`linear_threshold`, :func:`threshold`, :func:`bass`,
  :func:`bass_mean_field`, :func:`bass_closed_form`, :func:`bass_discrete`;
* the word-of-mouth marketing model: :func:`simulate_wom` (replicates in parallel,
  tidy frames) and :class:`WordOfMouthModel` (a ``mesa.Model``; Mesa is imported on
  first use);
* first-pin strategies: :func:`first_pin`, :data:`STRATEGIES`;
* errors: :class:`ValidationError` (bad input, exit code 2), :class:`SimError`.

``docs/api.md`` lists every public name by task, with its signature.

Examples:
    Your own networkx graph goes straight in, with your own node labels and
    attributes:

    >>> import networkx as nx
    >>> import sim
    >>> g = nx.Graph()
    >>> g.add_nodes_from([("ann", {"interest": "climbing", "enthusiasm": 0.9}),
    ...                   ("bob", {"interest": "climbing", "enthusiasm": 0.2}),
    ...                   ("cy", {"interest": "climbing", "enthusiasm": 0.7}),
    ...                   ("eve", {"interest": "chess", "enthusiasm": 0.95}),
    ...                   ("fay", {"interest": "chess", "enthusiasm": 0.1}),
    ...                   ("gus", {"interest": "chess", "enthusiasm": 0.6})])
    >>> g.add_edges_from([("ann", "bob"), ("bob", "cy"), ("ann", "cy"), ("cy", "eve"),
    ...                   ("eve", "fay"), ("fay", "gus"), ("eve", "gus")], trust=0.8)
    >>> sim.first_pin("enthusiasm", g, 2)  # the node attribute "enthusiasm"
    ['eve', 'ann']
    >>> sim.first_pin("enthusiasm", g, 2, interest="climbing", interest_attribute="interest")
    ['ann', 'cy']
    >>> cas = sim.simulate(g, "ic", ["ann"], p="trust", replicates=200, seed=1)
    >>> cas.num_nodes, float(cas.summary["final_adopted"].mean())
    (6, 5.02)

    The marketing model reads the interest axis from a node attribute
    (``people.interest``) and tie strength from an edge attribute (``trust``). It
    draws each person's enthusiasm from ``people.enthusiasm``; to give it yours, pass
    a person table, a CSV keyed by node label:

    >>> import pandas as pd, tempfile
    >>> table = tempfile.mkdtemp() + "/people.csv"
    >>> heat = pd.DataFrame(dict(g.nodes(data="enthusiasm")).items(),
    ...                     columns=["node", "enthusiasm"])
    >>> heat.to_csv(table, index=False)
    >>> params = {"people": {"interest": "interest", "table": table},
    ...           "trust": {"source": "attribute", "attribute": "trust"},
    ...           "first_pin": {"strategy": "interest", "size": 2, "interest": "chess"}}
    >>> run = sim.simulate_wom(g, params, replicates=2, steps=8, seed=1, people_of=0)
    >>> run.people.query("channel == 'first_pin'")[["node", "interest"]].values.tolist()
    [['eve', 'chess'], ['gus', 'chess']]
    >>> sim.WordOfMouthModel(g, params, seed=1).person("eve").member
    True
"""

from sim._version import __version__
from sim.calibration import calibrate, load_calibration
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
from sim.experiments.compare import load_comparison
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
    "load_comparison",
    "Results",
    "load_results",
    # parameter sweeps
    "sweep",
    "load_sweep",
    # calibration
    "calibrate",
    "load_calibration",
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
