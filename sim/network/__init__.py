"""Networks: the CSR representation, file loaders, generators and bundled datasets.

Examples:
    >>> from sim.network import generate, load_dataset
    >>> generate("barabasi_albert", n=100, m=2, seed=1).num_edges
    196
    >>> load_dataset("karate").num_nodes
    34
"""

from sim.network.csr import Network, from_edges, from_networkx, to_networkx
from sim.network.datasets import list_datasets, load_dataset
from sim.network.generators import (
    GENERATORS,
    barabasi_albert,
    complete,
    erdos_renyi,
    generate,
    lfr,
    planted_partition,
    powerlaw_cluster,
    random_regular,
    ring_lattice,
    stochastic_block,
    watts_strogatz,
)
from sim.network.io import load_network, read_edgelist, read_gml, read_graphml

__all__ = [
    "Network",
    "from_edges",
    "from_networkx",
    "to_networkx",
    "read_edgelist",
    "read_gml",
    "read_graphml",
    "load_network",
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
    "GENERATORS",
    "generate",
    "load_dataset",
    "list_datasets",
]
