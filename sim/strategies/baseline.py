"""The baseline first pin: k people drawn uniformly at random (strategy ``random``).

(The module is not called ``random`` so as not to shadow the standard library's.)
"""

from __future__ import annotations

import numpy as np

from sim.network.csr import Network

__all__ = ["uniform_random"]


def uniform_random(net: Network, k: int, *, seed: int = 0) -> np.ndarray:
    """k distinct people drawn uniformly at random, the baseline every strategy must beat.

    The draw is the first k entries of a random permutation from ``seed``, so the
    pin for k is a prefix of the pin for k + 1 with the same seed.

    Args:
        net: The network.
        k: How many.
        seed: Seed of the draw (int >= 0).

    Returns:
        ``int64`` node ids, in the order drawn.

    Examples:
        >>> import networkx as nx
        >>> from sim.network import from_networkx
        >>> net = from_networkx(nx.path_graph(10))
        >>> a = uniform_random(net, 3, seed=7).tolist()
        >>> a == uniform_random(net, 3, seed=7).tolist(), len(set(a))
        (True, 3)

    Notes:
        O(n) time and memory (one permutation).

    References:
        D. Kempe, J. Kleinberg, E. Tardos, "Maximizing the spread of influence
        through a social network", KDD 2003 (the random baseline).
    """
    gen = np.random.default_rng(np.random.SeedSequence(int(seed)))
    return gen.permutation(net.num_nodes)[:k].astype(np.int64)
