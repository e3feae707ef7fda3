"""The one network representation: compressed sparse rows (CSR) over contiguous ids.

Every model in the simulator runs on a :class:`Network`: the out-neighbours of node
``u`` are ``indices[indptr[u]:indptr[u + 1]]`` (sorted ascending), with optional
per-edge ``weights`` aligned with ``indices``. Node ``u`` is the ``u``-th entry of
``labels``, the user's own node label (any hashable), so results can always be
reported in the user's terms.

Rules (applied by every constructor, so that every loader agrees):

* **Undirected** graphs store each edge in both directions; ``num_edges`` counts it
  once and ``num_arcs`` counts both stored arcs.
* **Self-loops are dropped**: nobody tells themselves about a product.
* **Multi-edges are merged** into one arc; the first occurrence's weight and edge
  attributes are kept (input order), so a repeated line in an edge list does not
  double a transmission probability.
* **Isolated nodes are kept** (a node listed with no edges is a person nobody talks
  to); they have an empty neighbour range.
* Node attributes are numpy arrays of length ``num_nodes`` (object dtype for
  non-numeric values); edge attributes are arrays aligned with ``indices``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from sim.errors import ValidationError

__all__ = ["Network", "from_edges", "from_networkx", "to_networkx"]


@dataclass(eq=False)
class Network:
    """A graph as CSR arrays, with the user's node labels and attributes.

    Attributes:
        indptr: ``int64`` array of length ``num_nodes + 1``.
        indices: ``int32`` array of length ``num_arcs``: out-neighbours, sorted per row.
        directed: Whether arcs are one-way.
        weights: Optional ``float64`` array aligned with ``indices`` (e.g. a per-edge
            transmission probability or a tie strength).
        labels: Array of length ``num_nodes``: the user's label of each node.
        node_attrs: Per-node attribute arrays (e.g. ``"interest"``).
        edge_attrs: Per-arc attribute arrays aligned with ``indices``.
        name: A short human name (a dataset or generator name).

    Examples:
        >>> import networkx as nx
        >>> net = from_networkx(nx.path_graph(3))
        >>> net.num_nodes, net.num_edges, net.num_arcs
        (3, 2, 4)
        >>> net.neighbors(1).tolist()
        [0, 2]
        >>> net.indptr.tolist(), net.indices.tolist(), net.labels.tolist()
        ([0, 1, 3, 4], [1, 0, 2, 1], [0, 1, 2])
        >>> net.directed, net.weights is None, net.node_attrs, net.name
        (False, True, {}, '')
    """

    indptr: np.ndarray
    indices: np.ndarray
    directed: bool = False
    weights: np.ndarray | None = None
    labels: np.ndarray | None = None
    node_attrs: dict[str, np.ndarray] = field(default_factory=dict)
    edge_attrs: dict[str, np.ndarray] = field(default_factory=dict)
    name: str = ""
    _label_index: dict | None = field(default=None, repr=False)
    _reverse: Network | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.indptr = np.ascontiguousarray(self.indptr, dtype=np.int64)
        self.indices = np.ascontiguousarray(self.indices, dtype=np.int32)
        n = self.indptr.shape[0] - 1
        if n < 0 or self.indptr[0] != 0 or self.indptr[-1] != self.indices.shape[0]:
            raise ValidationError("inconsistent CSR arrays", key="network")
        if self.weights is not None:
            self.weights = np.ascontiguousarray(self.weights, dtype=np.float64)
            if self.weights.shape != self.indices.shape:
                raise ValidationError("weights must align with indices", key="network")
        if self.labels is None:
            self.labels = np.arange(n, dtype=np.int64)
        elif len(self.labels) != n:
            raise ValidationError("labels must have one entry per node", key="network")

    # ------------------------------------------------------------------ sizes
    @property
    def num_nodes(self) -> int:
        """Number of nodes (people)."""
        return int(self.indptr.shape[0] - 1)

    @property
    def num_arcs(self) -> int:
        """Number of stored arcs (each undirected edge counts twice)."""
        return int(self.indices.shape[0])

    @property
    def num_edges(self) -> int:
        """Number of edges (each undirected edge counts once)."""
        return self.num_arcs if self.directed else self.num_arcs // 2

    def degree(self) -> np.ndarray:
        """Out-degree of every node (the degree, for undirected graphs).

        Returns:
            ``int64`` array of length ``num_nodes``, by node id.

        Examples:
            >>> import networkx as nx
            >>> from_networkx(nx.DiGraph([("a", "b"), ("a", "c"), ("c", "b")])).degree().tolist()
            [2, 0, 1]
        """
        return np.diff(self.indptr)

    def in_degree(self) -> np.ndarray:
        """In-degree of every node (equal to :meth:`degree` when undirected).

        Returns:
            ``int64`` array of length ``num_nodes``, by node id.

        Notes:
            O(m) for a directed network (one ``bincount``), O(n) otherwise.

        Examples:
            >>> import networkx as nx
            >>> net = from_networkx(nx.DiGraph([("a", "b"), ("a", "c"), ("c", "b")]))
            >>> net.in_degree().tolist()
            [0, 2, 1]
        """
        if not self.directed:
            return self.degree()
        return np.bincount(self.indices, minlength=self.num_nodes).astype(np.int64)

    def neighbors(self, u: int) -> np.ndarray:
        """Out-neighbour ids of node id ``u``.

        Args:
            u: A node id in ``[0, num_nodes)`` (not a label: see :meth:`ids`).

        Returns:
            ``int32`` ids, ascending: a view into ``indices`` (do not write to it).

        Examples:
            >>> import networkx as nx
            >>> net = from_networkx(nx.star_graph(3))
            >>> net.neighbors(0).tolist(), net.neighbors(2).tolist()
            ([1, 2, 3], [0])
        """
        return self.indices[self.indptr[u] : self.indptr[u + 1]]

    def __repr__(self) -> str:
        kind = "directed" if self.directed else "undirected"
        name = f"{self.name!r}, " if self.name else ""
        return f"Network({name}{kind}, nodes={self.num_nodes}, edges={self.num_edges})"

    # ----------------------------------------------------------------- labels
    def ids(self, labels: Iterable[Hashable], *, key: str = "seeds") -> np.ndarray:
        """Map user labels to contiguous node ids.

        Args:
            labels: The user's node labels (numpy scalars are taken as Python ones).
            key: The key an error names (the parameter the labels came from).

        Returns:
            ``int32`` node ids, in the order of ``labels``.

        Raises:
            ValidationError: If a label is not a node of the network (names the first).

        Notes:
            The first call builds a label index, O(n); then O(1) per label.

        Examples:
            >>> import networkx as nx
            >>> net = from_networkx(nx.DiGraph([("a", "b"), ("a", "c"), ("c", "b")]))
            >>> net.ids(["b", "c"]).tolist()
            [1, 2]
            >>> net.ids(["zed"])
            Traceback (most recent call last):
            ...
            sim.errors.ValidationError: seeds: node 'zed' is not in the network (3 nodes)
        """
        if self._label_index is None:
            self._label_index = {lab: i for i, lab in enumerate(self.labels.tolist())}
        index = self._label_index
        out = []
        for lab in labels:
            lab_py = lab.item() if isinstance(lab, np.generic) else lab
            try:
                out.append(index[lab_py])
            except (KeyError, TypeError):
                raise ValidationError(
                    f"node {lab!r} is not in the network ({self.num_nodes} nodes)", key=key
                ) from None
        return np.asarray(out, dtype=np.int32)

    def label_of(self, ids: Iterable[int] | np.ndarray) -> list:
        """Map node ids back to the user's labels.

        Args:
            ids: Node ids in ``[0, num_nodes)``.

        Returns:
            The labels, as Python objects, in the order of ``ids``.

        Examples:
            >>> import networkx as nx
            >>> net = from_networkx(nx.DiGraph([("a", "b"), ("a", "c"), ("c", "b")]))
            >>> net.label_of([2, 0])
            ['c', 'a']
        """
        return self.labels[np.asarray(ids, dtype=np.int64)].tolist()

    # ---------------------------------------------------------------- reverse
    def reverse(self) -> Network:
        """The network with every arc reversed (in-neighbour lists), cached.

        For an undirected network this is the network itself. Weights and edge
        attributes travel with their arcs.

        Returns:
            A directed network whose out-neighbours are this one's in-neighbours,
            with the same labels and node attributes.

        Notes:
            O(m log m) on first use (one sort), then cached both ways.

        Examples:
            >>> import networkx as nx
            >>> net = from_networkx(nx.DiGraph([("a", "b"), ("a", "c"), ("c", "b")]))
            >>> net.reverse().neighbors(1).tolist()  # who tells "b"
            [0, 2]
            >>> net.reverse().reverse() is net
            True
        """
        if not self.directed:
            return self
        if self._reverse is None:
            src = np.repeat(np.arange(self.num_nodes, dtype=np.int32), self.degree())
            order = np.lexsort((src, self.indices))
            indptr = np.zeros(self.num_nodes + 1, dtype=np.int64)
            np.cumsum(np.bincount(self.indices, minlength=self.num_nodes), out=indptr[1:])
            self._reverse = Network(
                indptr=indptr,
                indices=src[order],
                directed=True,
                weights=None if self.weights is None else self.weights[order],
                labels=self.labels,
                node_attrs=self.node_attrs,
                edge_attrs={k: v[order] for k, v in self.edge_attrs.items()},
                name=self.name,
            )
            self._reverse._reverse = self
        return self._reverse

    def with_weights(self, weights: np.ndarray | None) -> Network:
        """A copy sharing the structure arrays, with other per-arc weights.

        Args:
            weights: ``float64`` values aligned with ``indices`` (one per stored arc,
                so both arcs of an undirected edge), or ``None`` for no weights.

        Returns:
            A new network; ``indptr``, ``indices``, labels and attributes are shared.

        Raises:
            ValidationError: If ``weights`` does not align with ``indices``.

        Examples:
            >>> import networkx as nx
            >>> import numpy as np
            >>> net = from_networkx(nx.path_graph(3))
            >>> w = net.with_weights(np.full(net.num_arcs, 0.5))
            >>> w.weights.tolist(), w.indices is net.indices
            ([0.5, 0.5, 0.5, 0.5], True)
        """
        return Network(
            indptr=self.indptr,
            indices=self.indices,
            directed=self.directed,
            weights=weights,
            labels=self.labels,
            node_attrs=self.node_attrs,
            edge_attrs=self.edge_attrs,
            name=self.name,
            _label_index=self._label_index,
        )


def from_edges(
    src: np.ndarray,
    dst: np.ndarray,
    *,
    num_nodes: int | None = None,
    directed: bool = False,
    weights: np.ndarray | None = None,
    labels: np.ndarray | None = None,
    node_attrs: Mapping[str, np.ndarray] | None = None,
    edge_attrs: Mapping[str, np.ndarray] | None = None,
    name: str = "",
) -> Network:
    """Build a :class:`Network` from arrays of edge endpoints (contiguous ids).

    Applies the module's rules: self-loops dropped, duplicates merged (first kept),
    both directions stored when undirected, isolated nodes kept.

    Args:
        src: Source id of each edge (integers in ``[0, num_nodes)``).
        dst: Target id of each edge.
        num_nodes: Number of nodes; default ``max(id) + 1`` (0 for no edges).
        directed: Whether edges are one-way.
        weights: Optional per-edge float weights, aligned with ``src``.
        labels: Optional label per node id.
        node_attrs: Optional per-node attribute arrays.
        edge_attrs: Optional per-edge attribute arrays, aligned with ``src``.
        name: A short name.

    Returns:
        The network.

    Raises:
        ValidationError: If ``src`` and ``dst`` differ in shape, an id is negative or
            not below ``num_nodes``, or ``labels`` or ``weights`` do not fit.

    Notes:
        O(m log m) time (one sort), O(m) memory; no Python loop over edges.

    Examples:
        >>> import numpy as np
        >>> net = from_edges(np.array([0, 1, 1, 2]), np.array([1, 0, 2, 2]))
        >>> net.num_edges  # 0-1 twice and the self-loop 2-2 collapse
        2
    """
    src = np.asarray(src)
    dst = np.asarray(dst)
    if src.shape != dst.shape or src.ndim != 1:
        raise ValidationError("src and dst must be 1-D arrays of equal length", key="edges")
    if src.size and (src.min() < 0 or dst.min() < 0):
        raise ValidationError("node ids must be non-negative", key="edges")
    top = int(max(src.max(), dst.max())) + 1 if src.size else 0
    n = top if num_nodes is None else int(num_nodes)
    if n < top:
        raise ValidationError(f"edge endpoint {top - 1} >= num_nodes={n}", key="edges")
    if labels is not None and len(labels) != n:
        raise ValidationError(f"{len(labels)} labels for {n} nodes", key="labels")
    src = src.astype(np.int64, copy=False)
    dst = dst.astype(np.int64, copy=False)
    eattrs = dict(edge_attrs or {})
    if weights is not None:
        weights = np.asarray(weights, dtype=np.float64)
        if weights.shape != src.shape:
            raise ValidationError("weights must align with the edges", key="weights")
    need_origin = weights is not None or bool(eattrs)
    keep = src != dst
    order_in = np.flatnonzero(keep)
    s, d = src[keep], dst[keep]
    if not directed:
        s, d = np.concatenate([s, d]), np.concatenate([d, s])
        order_in = np.concatenate([order_in, order_in])
    width = np.int64(max(n, 1))
    key = s * width + d
    unique_keys, origin = _first_of_each_key(key, order_in, need_origin)
    s_final, d_final = np.divmod(unique_keys, width)
    indptr = np.zeros(n + 1, dtype=np.int64)
    if n:
        np.cumsum(np.bincount(s_final, minlength=n), out=indptr[1:])
    return Network(
        indptr=indptr,
        indices=d_final.astype(np.int32),
        directed=directed,
        weights=None if weights is None else weights[origin],
        labels=None if labels is None else np.asarray(labels),
        node_attrs={k: np.asarray(v) for k, v in (node_attrs or {}).items()},
        edge_attrs={k: np.asarray(v)[origin] for k, v in eattrs.items()},
        name=name,
    )


def _first_of_each_key(
    key: np.ndarray, edge_index: np.ndarray, need_origin: bool
) -> tuple[np.ndarray, np.ndarray | None]:
    """Distinct arc keys in ascending order and, if asked, the first input edge of each.

    ``edge_index[i]`` is the input edge that arc ``i`` came from; the smallest one in
    each group of equal keys is the first occurrence. Taking the smallest *input edge*
    (not the smallest arc position) matters for undirected graphs: both arcs of an
    edge listed twice ("u v", then "v u") must keep the same, first, line.

    Notes:
        A plain value sort (several times faster than ``argsort``) when no origin is
        needed, or when key and edge index pack into one ``uint64``; else ``argsort``.
    """
    if key.size == 0:
        return key, (edge_index if need_origin else None)
    if not need_origin:
        ks = np.sort(key)
        first = np.ones(ks.shape[0], dtype=bool)
        first[1:] = ks[1:] != ks[:-1]
        return ks[first], None
    key_bits = int(key.max()).bit_length()
    idx_bits = max(int(edge_index.max()).bit_length(), 1)
    if key_bits + idx_bits <= 64:
        shift = np.uint64(idx_bits)
        packed = (key.astype(np.uint64) << shift) | edge_index.astype(np.uint64)
        packed.sort()
        ks = (packed >> shift).astype(np.int64)
        idx = (packed & np.uint64((1 << idx_bits) - 1)).astype(np.int64)
        first = np.ones(ks.shape[0], dtype=bool)
        first[1:] = ks[1:] != ks[:-1]
        return ks[first], idx[first]  # sorted by (key, edge): the first edge leads
    order = np.argsort(key)
    ks = key[order]
    first = np.ones(ks.shape[0], dtype=bool)
    first[1:] = ks[1:] != ks[:-1]
    starts = np.flatnonzero(first)
    return ks[starts], np.minimum.reduceat(edge_index[order], starts)


def _attr_array(values: list) -> np.ndarray:
    """An attribute column: numeric dtype when every value is numeric, else object."""
    if all(isinstance(v, bool | int | float | np.number) and v is not None for v in values):
        return np.asarray(values)
    arr = np.empty(len(values), dtype=object)
    arr[:] = values
    return arr


def from_networkx(graph, *, weight: str | None = None, name: str | None = None) -> Network:
    """Convert a networkx ``Graph``/``DiGraph`` (any node labels) to a :class:`Network`.

    Node ids follow ``graph.nodes`` order; node labels are kept in ``labels``. Every
    node attribute present on all nodes becomes a node attribute array (missing on
    some nodes: filled with ``None``); every edge attribute likewise.

    Args:
        graph: A networkx graph. Multigraphs are merged (first edge kept).
        weight: Edge attribute to use as ``weights`` (must be numeric), or ``None``.
        name: Name for the network; default ``graph.name``.

    Returns:
        The network.

    Raises:
        ValidationError: If ``weight`` is given and an edge lacks it or it is not numeric.

    Examples:
        >>> import networkx as nx
        >>> g = nx.Graph([("ann", "bob", {"trust": 0.9})])
        >>> net = from_networkx(g, weight="trust")
        >>> net.labels.tolist(), net.weights.tolist()
        (['ann', 'bob'], [0.9, 0.9])
    """
    nodes = list(graph.nodes)
    index = {u: i for i, u in enumerate(nodes)}
    directed = graph.is_directed()
    # Walk the adjacency dicts directly: several times faster than graph.edges(data=True).
    adj = graph.adj
    deg = np.fromiter((len(adj[u]) for u in nodes), dtype=np.int64, count=len(nodes))
    total = int(deg.sum())
    src = np.repeat(np.arange(len(nodes), dtype=np.int64), deg)
    dst = np.fromiter((index[v] for u in nodes for v in adj[u]), dtype=np.int64, count=total)
    if graph.is_multigraph():  # adj[u][v] maps edge keys to data: keep the first edge
        datas = [next(iter(kd.values())) for u in nodes for kd in adj[u].values()]
    else:
        datas = [d for u in nodes for d in adj[u].values()]
    if not directed:  # each undirected edge appears from both ends: keep it once
        keep = src <= dst
        src, dst = src[keep], dst[keep]
        datas = [d for d, k in zip(datas, keep.tolist(), strict=True) if k]
    w = None
    if weight is not None:
        try:
            w = np.asarray([float(d[weight]) for d in datas], dtype=np.float64)
        except KeyError:
            raise ValidationError(
                f"some edges have no {weight!r} attribute", key="weight"
            ) from None
        except (TypeError, ValueError):
            raise ValidationError(
                f"edge attribute {weight!r} must be numeric", key="weight"
            ) from None
    node_keys: set[str] = set()
    for _, data in graph.nodes(data=True):
        node_keys.update(data)
    node_attrs = {
        k: _attr_array([data.get(k) for _, data in graph.nodes(data=True)])
        for k in sorted(node_keys, key=str)
    }
    edge_keys: set[str] = set()
    if any(datas):
        for data in datas:
            edge_keys.update(data)
    edge_attrs = {k: _attr_array([d.get(k) for d in datas]) for k in sorted(edge_keys, key=str)}
    labels = np.empty(len(nodes), dtype=object)
    labels[:] = nodes
    if all(isinstance(u, int | np.integer) and not isinstance(u, bool) for u in nodes):
        labels = np.asarray(nodes, dtype=np.int64)
    return from_edges(
        src,
        dst,
        num_nodes=len(nodes),
        directed=directed,
        weights=w,
        labels=labels,
        node_attrs=node_attrs,
        edge_attrs=edge_attrs,
        name=graph.name if name is None else name,
    )


def to_networkx(net: Network):
    """Convert back to a networkx graph with the original labels and attributes.

    Args:
        net: The network.

    Returns:
        A ``networkx.Graph`` (``DiGraph`` if directed) on the network's labels; node
        and edge attributes as Python values (``None`` entries left out); weights, if
        any, as the edge attribute ``"weight"`` unless an edge attribute of that name
        exists.

    Notes:
        O(n + m) Python objects: meant for small graphs, drawing and Mesa's network
        space, not for the hot path.

    Examples:
        >>> import networkx as nx
        >>> g = to_networkx(from_networkx(nx.karate_club_graph()))
        >>> g.number_of_nodes(), g.number_of_edges(), g.nodes[0]["club"]
        (34, 78, 'Mr. Hi')
    """
    import networkx as nx

    g = nx.DiGraph() if net.directed else nx.Graph()
    g.name = net.name
    labels = net.labels.tolist()
    for i, lab in enumerate(labels):
        g.add_node(lab, **{k: _py(v[i]) for k, v in net.node_attrs.items() if v[i] is not None})
    src = np.repeat(np.arange(net.num_nodes), net.degree())
    for a, (u, v) in enumerate(zip(src.tolist(), net.indices.tolist(), strict=True)):
        if not net.directed and u > v:
            continue
        data = {k: _py(arr[a]) for k, arr in net.edge_attrs.items() if arr[a] is not None}
        if net.weights is not None:
            data.setdefault("weight", float(net.weights[a]))
        g.add_edge(labels[u], labels[v], **data)
    return g


def _py(x):
    return x.item() if isinstance(x, np.generic) else x
