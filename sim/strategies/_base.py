"""What the strategy modules share: ranking with deterministic ties, input checks."""

from __future__ import annotations

import math
import numbers

import numpy as np

from sim.contagion.cascade import _trials
from sim.errors import ValidationError
from sim.network.csr import Network

__all__ = [
    "arc_probabilities",
    "check_count",
    "check_positive_real",
    "node_values",
    "rank_desc",
    "rounded",
    "top_k",
    "undirected_view",
]


def top_k(values: np.ndarray, k: int, candidates: np.ndarray | None = None) -> np.ndarray:
    """The ``k`` candidates with the largest values, best first; ties: smaller id first.

    Args:
        values: One number per node.
        k: How many (at most the number of candidates).
        candidates: Node ids to choose from (default: every node).

    Returns:
        ``int64`` node ids.

    Examples:
        >>> top_k(np.array([1.0, 3.0, 3.0, 2.0]), 3).tolist()
        [1, 2, 3]
    """
    ids = np.arange(values.shape[0]) if candidates is None else np.asarray(candidates)
    vals = np.asarray(values, dtype=np.float64)[ids]
    if k < ids.size // 8:  # partial selection first, then an exact sort of the few
        cut = np.partition(vals, ids.size - k)[ids.size - k]
        keep = vals >= cut
        ids, vals = ids[keep], vals[keep]
    order = np.lexsort((ids, -vals))
    return ids[order[:k]].astype(np.int64)


def rank_desc(*keys: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` nodes first in lexicographic descending order of ``keys``; ties by id.

    Examples:
        >>> rank_desc(np.array([1, 2, 2]), np.array([5, 1, 7]), k=2).tolist()
        [2, 1]
    """
    n = keys[0].shape[0]
    ids = np.arange(n)
    order = np.lexsort((ids, *[-np.asarray(key, dtype=np.float64) for key in reversed(keys)]))
    return ids[order[:k]].astype(np.int64)


def rounded(values: np.ndarray, digits: int = 12) -> np.ndarray:
    """Floats rounded to ``digits`` significant digits relative to the largest, so
    that values equal up to floating-point noise tie (and ties go to the smaller id)."""
    values = np.asarray(values, dtype=np.float64)
    scale = float(np.max(np.abs(values))) if values.size else 0.0
    if scale == 0.0 or not math.isfinite(scale):
        return values
    return np.round(values / scale, digits)


def check_count(value, key: str, *, minimum: int = 1) -> int:
    """An integer >= ``minimum`` (not a bool)."""
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        raise ValidationError(f"must be an integer, got {value!r}", key=key)
    if int(value) < minimum:
        raise ValidationError(f"must be >= {minimum}, got {int(value)}", key=key)
    return int(value)


def check_positive_real(value, key: str, *, below: float | None = None) -> float:
    """A finite real number > 0 (and < ``below`` if given)."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    v = float(value) if ok else math.nan
    if not ok or not math.isfinite(v) or v <= 0 or (below is not None and v >= below):
        hi = f" and < {below}" if below is not None else ""
        raise ValidationError(f"must be a number > 0{hi}, got {value!r}", key=key)
    return v


def node_values(net: Network, values, attribute: str | None, key: str, *, what: str) -> np.ndarray:
    """A ``float64`` value per node: ``values`` (one per node) or a node attribute.

    Raises:
        ValidationError: (key ``key``) neither given, the attribute missing (lists
            the node attributes), wrong length, not numeric, or NaN.
    """
    n = net.num_nodes
    if values is None:
        if attribute is None or attribute not in net.node_attrs:
            have = ", ".join(sorted(net.node_attrs)) or "none"
            raise ValidationError(
                f"needs {what}: pass values=(one number per node) or a node attribute "
                f"{attribute!r} (node attributes: {have})",
                key=key,
            )
        values = net.node_attrs[attribute]
        source = f"node attribute {attribute!r}"
    else:
        source = "values"
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValidationError(f"{source} must be numbers", key=key) from None
    if arr.shape != (n,):
        raise ValidationError(
            f"{source} must hold one number per node ({n}), got shape {arr.shape}", key=key
        )
    if not np.isfinite(arr).all():
        raise ValidationError(f"{source} must be finite numbers (no NaN)", key=key)
    return arr


def arc_probabilities(net: Network, p, key: str = "first_pin.p") -> float | np.ndarray:
    """The cascade's arc probabilities: one float, or one per arc (aligned with
    ``net.indices``), validated as :func:`~sim.contagion.cascade.independent_cascade`
    does (a number, an array, or an edge attribute name)."""
    probs, _, scalar, _ = _trials(net, p, key)
    return float(scalar) if probs.size == 0 else probs  # empty: one value on every arc


def undirected_view(net: Network) -> tuple[np.ndarray, np.ndarray]:
    """CSR ``(indptr, indices)`` of the network with every arc made two-way (each
    neighbour listed once): who is tied to whom, whatever the direction."""
    if not net.directed:
        return net.indptr, net.indices
    n = net.num_nodes
    src = np.repeat(np.arange(n, dtype=np.int64), net.degree())
    dst = net.indices.astype(np.int64)
    s = np.concatenate([src, dst])
    d = np.concatenate([dst, src])
    key = np.unique(s * max(n, 1) + d)
    s, d = np.divmod(key, max(n, 1))
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(s, minlength=n), out=indptr[1:])
    return indptr, d.astype(np.int32)
