"""The people and their ties: per-person arrays built from a network and parameters.

Two layers:

* :func:`build_structure` computes what every replicate shares: the interest axis
  (関心軸) of each person as integer codes, the members of each interest group (CSR),
  the trust (tie strength) of every arc, and the parsed person table.
* :func:`draw_people` draws one replicate's enthusiasm (熱量) and susceptibility from
  that replicate's own :class:`numpy.random.Generator`, then lets the person table set
  or shift them.

Interest codes are ``0 .. G-1`` in the order of the sorted labels (numerically when
every label is a number, else as strings); ``-1`` means "no interest known" (shares
an interest with nobody).

References:
    "その最初の20人は、必ず同じ関心を持った「関心軸」でつながっていること" (the first 20
    must be connected by a shared interest axis); "find the first pin from usage data"
    (Sansan, MarkeZine: usage scores over several axes, lifecycle stage).
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numba import njit, prange

from sim.errors import DataFileError, ValidationError
from sim.model.params import Distribution, ModelParams
from sim.network.csr import Network

__all__ = [
    "PersonTable",
    "Structure",
    "build_structure",
    "detect_interest",
    "draw_distribution",
    "draw_people",
    "overlap_trust",
    "read_person_table",
]

#: Person-table columns with a meaning; any other numeric column is kept as a score.
SET_COLUMNS = ("enthusiasm", "susceptibility")
SHIFT_COLUMNS = ("enthusiasm_shift", "susceptibility_shift")


@dataclass
class PersonTable:
    """A parsed person table (rows matched to node ids).

    Attributes:
        path: The CSV file.
        ids: ``int64`` node id of each row.
        values: Numeric columns (``float64``, NaN where the cell is empty).
        interest: The ``interest`` column as strings (``None`` where empty), or ``None``.
        text: Columns read as text (``None`` where empty), e.g. the lifecycle stage of
            the ``score`` first-pin strategy.
    """

    path: str
    ids: np.ndarray
    values: dict[str, np.ndarray] = field(default_factory=dict)
    interest: list | None = None
    text: dict[str, list] = field(default_factory=dict)


@dataclass
class Structure:
    """What every replicate shares.

    Attributes:
        num_nodes: Number of people n.
        interest: ``int32`` interest code per person (``-1``: none).
        interest_labels: Label of each code.
        group_ptr: ``int64`` CSR pointers of the interest groups (length G + 1).
        group_nodes: ``int32`` node ids of each group, ascending.
        trust: ``float64`` trust of every arc, aligned with ``network.indices``.
        table: The parsed person table, or ``None``.
        scores: Other numeric person-table columns, one ``float64`` array per column
            (NaN for people not in the table), for seeding strategies.
        first_pins: First pins computed once for this structure, by
            :mod:`sim.model.seeding` (strategies that do not depend on a replicate).
        given: Per-person values read from node attributes (``"enthusiasm"``,
            ``"susceptibility"`` when their distribution has ``kind = "attribute"``),
            ``float64`` in [0, 1]; copied into every replicate instead of drawn.
    """

    num_nodes: int
    interest: np.ndarray
    interest_labels: list
    group_ptr: np.ndarray
    group_nodes: np.ndarray
    trust: np.ndarray
    table: PersonTable | None = None
    scores: dict[str, np.ndarray] = field(default_factory=dict)
    first_pins: dict = field(default_factory=dict, repr=False, compare=False)
    given: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    def group_code(self, label, *, key: str) -> int:
        """The code of an interest label (compared as strings).

        Raises:
            ValidationError: If no person has that interest.
        """
        text = str(label)
        for code, lab in enumerate(self.interest_labels):
            if str(lab) == text:
                return code
        have = ", ".join(map(str, self.interest_labels[:10])) or "none"
        more = "" if len(self.interest_labels) <= 10 else ", ..."
        raise ValidationError(f"no interest group {text!r} (groups: {have}{more})", key=key)

    def largest_group(self) -> int:
        """Code of the largest interest group (lowest code on ties); -1 if none."""
        if len(self.interest_labels) == 0:
            return -1
        return int(np.argmax(np.diff(self.group_ptr)))


# --------------------------------------------------------------------------- trust
@njit(parallel=True, cache=True)
def _overlap_kernel(indptr, indices, floor, out):
    n = indptr.shape[0] - 1
    for u in prange(n):
        a0 = indptr[u]
        a1 = indptr[u + 1]
        du = a1 - a0
        for a in range(a0, a1):
            v = indices[a]
            b0 = indptr[v]
            b1 = indptr[v + 1]
            # |N(u) & N(v)| by merging the two sorted rows; note whether u is in N(v).
            i = a0
            j = b0
            common = 0
            u_in_v = 0
            while i < a1 and j < b1:
                x = indices[i]
                y = indices[j]
                if x == y:
                    common += 1
                    i += 1
                    j += 1
                elif x < y:
                    i += 1
                else:
                    if y == u:
                        u_in_v = 1
                    j += 1
            while j < b1:
                if indices[j] == u:
                    u_in_v = 1
                j += 1
            # Jaccard of N(u)\{v} and N(v)\{u}; common neighbours are never u or v.
            union = (du - 1) + (b1 - b0 - u_in_v) - common
            jac = common / union if union > 0 else 0.0
            out[a] = floor + (1.0 - floor) * jac


def overlap_trust(net: Network, floor: float) -> np.ndarray:
    """Trust of every arc from neighbourhood overlap.

    ``trust(u, v) = floor + (1 - floor) * |N(u) ∩ N(v)| / |N(u)\\{v} ∪ N(v)\\{u}|``
    (out-neighbourhoods when directed; 0 overlap when the union is empty).

    Args:
        net: The network.
        floor: Trust of a tie with no common neighbour, in [0, 1].

    Returns:
        ``float64`` array aligned with ``net.indices``.

    Notes:
        O(sum over arcs of deg(u) + deg(v)) time, parallel over nodes.
    """
    out = np.empty(net.num_arcs, dtype=np.float64)
    if net.num_arcs:
        _overlap_kernel(net.indptr, net.indices, float(floor), out)
    return out


#: Overlap trust per (network object, floor): a sweep or a calibration runs many
#: points on one (memoised) network, and the overlap is the costliest part of
#: preparing a run. Entries go when their network is garbage-collected. Shared
#: arrays: nothing writes a structure's trust.
_OVERLAP_CACHE: dict[tuple[int, float], np.ndarray] = {}


def _cached_overlap(net: Network, floor: float) -> np.ndarray:
    key = (id(net), float(floor))
    trust = _OVERLAP_CACHE.get(key)
    if trust is None:
        trust = overlap_trust(net, floor)
        _OVERLAP_CACHE[key] = trust
        weakref.finalize(net, _OVERLAP_CACHE.pop, key, None)
    return trust


def _trust(net: Network, params: ModelParams) -> np.ndarray:
    t = params.trust
    if t.source == "constant":
        return np.full(net.num_arcs, t.value, dtype=np.float64)
    if t.source == "overlap":
        return _cached_overlap(net, t.floor)
    name = t.attribute
    if name in net.edge_attrs:
        raw = net.edge_attrs[name]
    elif name == "weight" and net.weights is not None:
        raw = net.weights
    else:
        have = sorted(net.edge_attrs) + (["weight"] if net.weights is not None else [])
        raise ValidationError(
            f"the network has no edge attribute {name!r} (edge attributes: "
            f"{', '.join(have) or 'none'})",
            key="trust.attribute",
        )
    try:
        arr = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValidationError(
            f"edge attribute {name!r} must be numeric", key="trust.attribute"
        ) from None
    bad = ~((arr >= 0.0) & (arr <= 1.0))
    if bad.any():
        raise ValidationError(
            f"edge attribute {name!r} must be in [0, 1] (missing or out of range: {arr[bad][0]!r})",
            key="trust.attribute",
        )
    return np.ascontiguousarray(arr)


# ------------------------------------------------------------------------ interest
def detect_interest(net: Network, method: str, *, seed: int = 0, resolution: float = 1.0):
    """Detect interest groups with networkx (directed graphs are made undirected).

    Args:
        net: The network.
        method: ``"louvain"`` (``louvain_communities``) or ``"label_propagation"``
            (``asyn_lpa_communities``).
        seed: Seed of the detection (the same partition for every replicate).
        resolution: Louvain resolution.

    Returns:
        ``int64`` group id per node; groups numbered by decreasing size, ties by
        smallest member.
    """
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(range(net.num_nodes))
    src = np.repeat(np.arange(net.num_nodes, dtype=np.int64), net.degree())
    keep = src < net.indices
    if net.directed:
        keep = src != net.indices
    g.add_edges_from(zip(src[keep].tolist(), net.indices[keep].tolist(), strict=True))
    if method == "louvain":
        groups = nx.community.louvain_communities(g, seed=seed, resolution=resolution)
    else:
        groups = nx.community.asyn_lpa_communities(g, seed=seed)
    groups = sorted((sorted(c) for c in groups), key=lambda c: (-len(c), c[0]))
    out = np.empty(net.num_nodes, dtype=np.int64)
    for k, members in enumerate(groups):
        out[np.asarray(members, dtype=np.int64)] = k
    return out


def _interest_values(net: Network, params: ModelParams) -> np.ndarray | None:
    p = params.people
    choice = p.interest
    if choice == "none":
        return None
    if choice == "auto":
        return net.node_attrs.get("community")
    if choice in ("louvain", "label_propagation"):
        return detect_interest(net, choice, seed=p.detection_seed, resolution=p.resolution)
    if choice not in net.node_attrs:
        have = ", ".join(sorted(net.node_attrs)) or "none"
        raise ValidationError(
            f"the network has no node attribute {choice!r} (node attributes: {have}; or "
            "use 'louvain', 'label_propagation', 'none')",
            key="people.interest",
        )
    return net.node_attrs[choice]


def _is_missing(v) -> bool:
    return v is None or (isinstance(v, float | np.floating) and math.isnan(v))


def _factorize(values: np.ndarray | list | None, n: int):
    """Integer codes (sorted by label string, -1 for missing) and the labels."""
    if values is None:
        return np.full(n, -1, dtype=np.int32), []
    if isinstance(values, np.ndarray) and values.dtype.kind in "iuf":
        # Numeric labels (large generated networks): vectorised, NaN = missing.
        present = ~np.isnan(values) if values.dtype.kind == "f" else np.ones(n, dtype=bool)
        uniq, inverse = np.unique(values[present], return_inverse=True)
        codes = np.full(n, -1, dtype=np.int32)
        codes[present] = inverse
        return codes, uniq.tolist()
    vals = list(values.tolist() if isinstance(values, np.ndarray) else values)
    present = {}
    for v in vals:
        if not _is_missing(v):
            present.setdefault(str(v), v)
    numeric = all(
        isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool)
        for v in present.values()
    )
    keys = sorted(present, key=(lambda s: float(present[s])) if numeric else None)
    code_of = {k: i for i, k in enumerate(keys)}
    codes = np.fromiter(
        (-1 if _is_missing(v) else code_of[str(v)] for v in vals), dtype=np.int32, count=n
    )
    return codes, [present[k] for k in keys]


def _groups(codes: np.ndarray, g: int):
    order = np.argsort(codes, kind="stable").astype(np.int32)
    counts = np.bincount(codes[codes >= 0], minlength=g) if g else np.zeros(0, dtype=np.int64)
    ptr = np.zeros(g + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    skip = int((codes < 0).sum())
    return ptr, np.ascontiguousarray(order[skip:])


# -------------------------------------------------------------------- person table
def read_person_table(
    path: str | Path, net: Network, *, id_column: str = "node", text_columns: Iterable[str] = ()
) -> PersonTable:
    """Read a person table (CSV) keyed by node id.

    Columns ``enthusiasm`` and ``susceptibility`` set values (must be in [0, 1]);
    ``enthusiasm_shift`` and ``susceptibility_shift`` add to them (the sum is clipped
    to [0, 1]); ``interest`` sets the interest label; ``text_columns`` are kept as
    text; any other column must be numeric and is kept as a score. Empty cells leave
    a person's value alone.

    Args:
        path: The CSV file (header row first).
        net: The network, to match ids with its node labels (compared as strings).
        id_column: The column holding node ids.
        text_columns: Columns kept as text (e.g. ``first_pin.stage_column``).

    Returns:
        The parsed table.

    Raises:
        DataFileError: Missing or unreadable file, missing id column, unknown or
            duplicate node id, non-numeric or out-of-range value, naming the file,
            the line and the key ``people.table``.
    """
    import pandas as pd

    path = str(path)
    key = "people.table"
    if not Path(path).is_file():
        raise DataFileError("person table not found", key=key, file=path)
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise DataFileError(f"cannot read the person table: {exc}", key=key, file=path) from None
    columns = [str(c).strip() for c in df.columns]
    df.columns = columns
    if id_column not in columns:
        raise DataFileError(
            f"no id column {id_column!r} in the header (columns: {', '.join(columns)}); "
            "set people.table_id",
            key="people.table_id",
            file=path,
            line=1,
        )
    index = {str(lab): i for i, lab in enumerate(net.labels.tolist())}
    raw_ids = df[id_column].str.strip().tolist()
    ids = np.empty(len(raw_ids), dtype=np.int64)
    seen: dict[int, int] = {}
    for row, lab in enumerate(raw_ids):
        line = row + 2
        if lab not in index:
            raise DataFileError(
                f"node {lab!r} is not in the network ({net.num_nodes} nodes)",
                key=key,
                file=path,
                line=line,
            )
        i = index[lab]
        if i in seen:
            raise DataFileError(
                f"node {lab!r} listed twice (first on line {seen[i]})",
                key=key,
                file=path,
                line=line,
            )
        seen[i] = line
        ids[row] = i
    values: dict[str, np.ndarray] = {}
    text: dict[str, list] = {}
    as_text = set(text_columns)
    interest = None
    for col_pos, col in enumerate(columns):
        if col == id_column:
            continue
        cells = df[col].str.strip().tolist()
        if col == "interest":
            interest = [c if c != "" else None for c in cells]
            continue
        if col in as_text:
            text[col] = [c if c != "" else None for c in cells]
            continue
        arr = np.full(len(cells), np.nan)
        for row, c in enumerate(cells):
            if c == "":
                continue
            try:
                x = float(c)
            except ValueError:
                x = math.nan
            if not math.isfinite(x):
                raise DataFileError(
                    f"column {col!r}: {c!r} is not a number",
                    key=key,
                    file=path,
                    line=row + 2,
                    col=col_pos + 1,
                )
            if col in SET_COLUMNS and not 0.0 <= x <= 1.0:
                raise DataFileError(
                    f"column {col!r}: must be in [0, 1], got {c}",
                    key=key,
                    file=path,
                    line=row + 2,
                    col=col_pos + 1,
                )
            arr[row] = x
        values[col] = arr
    return PersonTable(path=path, ids=ids, values=values, interest=interest, text=text)


# ------------------------------------------------------------------------ assembly
def build_structure(net: Network, params: ModelParams) -> Structure:
    """Everything the replicates share: interest codes and groups, trust, person table.

    Args:
        net: The network.
        params: Validated model parameters.

    Returns:
        The shared structure.

    Raises:
        ValidationError: Unknown interest attribute, trust attribute, person table
            errors (see :func:`read_person_table`).
    """
    n = net.num_nodes
    table = None
    if params.people.table is not None:
        table = read_person_table(
            params.people.table,
            net,
            id_column=params.people.table_id,
            text_columns=(params.first_pin.stage_column,),  # e.g. "active", "dormant"
        )
    values = _interest_values(net, params)
    if table is not None and table.interest is not None:
        merged = [None] * n if values is None else list(np.asarray(values, dtype=object))
        for i, lab in zip(table.ids.tolist(), table.interest, strict=True):
            if lab is not None:
                merged[i] = lab
        values = merged
    codes, labels = _factorize(values, n)
    ptr, nodes = _groups(codes, len(labels))
    scores = {}
    if table is not None:
        for col, arr in table.values.items():
            if col in SET_COLUMNS or col in SHIFT_COLUMNS:
                continue
            full = np.full(n, np.nan)
            full[table.ids] = arr
            scores[col] = full
    given = {
        name: _attribute_values(net, getattr(params.people, name).attribute, name)
        for name in ("enthusiasm", "susceptibility")
        if getattr(params.people, name).kind == "attribute"
    }
    return Structure(
        num_nodes=n,
        given=given,
        interest=codes,
        interest_labels=labels,
        group_ptr=ptr,
        group_nodes=nodes,
        trust=_trust(net, params),
        table=table,
        scores=scores,
    )


def _attribute_values(net: Network, attribute: str, name: str) -> np.ndarray:
    """A node attribute as per-person values in [0, 1] (``people.<name>.attribute``)."""
    key = f"people.{name}.attribute"
    if attribute not in net.node_attrs:
        have = ", ".join(sorted(net.node_attrs)) or "none"
        raise ValidationError(
            f"the network has no node attribute {attribute!r} (node attributes: {have})",
            key=key,
        )
    raw = np.asarray(net.node_attrs[attribute])
    if raw.dtype.kind in "iuf":  # already numbers: no loop over the nodes
        values = raw.astype(np.float64)
    else:
        try:
            values = np.array([np.nan if _is_missing(v) else float(v) for v in raw], dtype=float)
        except (TypeError, ValueError):
            raise ValidationError(
                f"node attribute {attribute!r} must be numeric for {name}", key=key
            ) from None
    missing = np.flatnonzero(np.isnan(values))
    if missing.size:
        raise ValidationError(
            f"node attribute {attribute!r} is missing on {missing.size} of {values.size} "
            f"nodes (first: node {net.label_of([int(missing[0])])[0]!r}); every person needs a value",
            key=key,
        )
    bad = np.flatnonzero((values < 0.0) | (values > 1.0))
    if bad.size:
        i = int(bad[0])
        raise ValidationError(
            f"node attribute {attribute!r} must be in [0, 1] for {name}; node "
            f"{net.label_of([i])[0]!r} has {values[i]:g} ({bad.size} nodes out of range)",
            key=key,
        )
    return values


def draw_distribution(dist: Distribution, n: int, gen: np.random.Generator) -> np.ndarray:
    """``n`` draws of a :class:`~sim.model.params.Distribution` (``float64``, in [0, 1]).

    ``kind = "attribute"`` draws nothing (the values come from the network, see
    :func:`draw_people`) and returns NaNs.
    """
    if dist.kind == "attribute":
        return np.full(n, np.nan, dtype=np.float64)
    if dist.kind == "beta":
        return gen.beta(dist.a, dist.b, size=n)
    if dist.kind == "uniform":
        return gen.uniform(dist.low, dist.high, size=n)
    return np.full(n, dist.value, dtype=np.float64)


def draw_people(
    structure: Structure, params: ModelParams, gen: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """One replicate's enthusiasm and susceptibility.

    Draws enthusiasm first, then susceptibility (always in this order, from ``gen``;
    a distribution of ``kind = "attribute"`` draws nothing and takes the network's
    node attribute instead), then applies the person table: set columns replace, shift
    columns add (clipped to [0, 1]).

    Args:
        structure: The shared structure.
        params: Validated parameters.
        gen: The replicate's host-side generator.

    Returns:
        ``(enthusiasm, susceptibility)``, two ``float64`` arrays of length n in [0, 1].
    """
    n = structure.num_nodes
    enth = draw_distribution(params.people.enthusiasm, n, gen)
    susc = draw_distribution(params.people.susceptibility, n, gen)
    for name, arr in (("enthusiasm", enth), ("susceptibility", susc)):
        if name in structure.given:  # kind = "attribute": the researcher's own values
            arr[:] = structure.given[name]
    table = structure.table
    if table is not None:
        for name, arr in (("enthusiasm", enth), ("susceptibility", susc)):
            if name in table.values:
                col = table.values[name]
                ok = ~np.isnan(col)
                arr[table.ids[ok]] = col[ok]
            shift = f"{name}_shift"
            if shift in table.values:
                col = table.values[shift]
                ok = ~np.isnan(col)
                idx = table.ids[ok]
                arr[idx] = np.clip(arr[idx] + col[ok], 0.0, 1.0)
    return np.ascontiguousarray(enth), np.ascontiguousarray(susc)
