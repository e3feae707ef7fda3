"""First pins from what is known about people: enthusiasm, interest, usage scores.

The community-marketing playbook behind these (Japanese practitioner articles, see
``docs/strategies.md``): choose the first 20 carefully ("ファーストピンとなる、コミュ
ニティの最初の20人を、しっかりと見極めて声をかけること"), start from hot users ("初期
メンバーは、熱量の高いユーザーを見つけ出し"), make sure they are connected by a shared
interest axis ("必ず同じ関心を持った「関心軸」でつながっていること"), and find them
from usage data (a vendor's usage score over several axes, by lifecycle stage).

* :func:`enthusiasm`: the hottest people.
* :func:`interest_cohesive`: the hottest *connected* group inside one interest
  community.
* :func:`score`: the top of a weighted sum of person-table columns, optionally
  within one lifecycle stage.
* :func:`influencer`: the paid-influencer pick, the best connected whatever their
  enthusiasm.

Each takes a :class:`~sim.network.Network` and ``k`` and returns ``int64`` node ids,
best first; ties go to the smaller node id. Use them through
:func:`sim.strategies.first_pin`.
"""

from __future__ import annotations

import heapq
import math
import numbers
from collections.abc import Hashable, Mapping, Sequence

import numpy as np

from sim.errors import ValidationError
from sim.network.csr import Network
from sim.strategies._base import node_values, top_k, undirected_view

__all__ = ["enthusiasm", "influencer", "interest_cohesive", "score"]


def enthusiasm(
    net: Network,
    k: int,
    *,
    values=None,
    attribute: str = "enthusiasm",
    interest: Hashable | None = None,
    interest_attribute: str = "community",
) -> np.ndarray:
    """The k hottest people: top values of a per-person enthusiasm.

    With ``interest``, only the members of that interest community are candidates
    (the hottest of one group, connected or not; ``interest_cohesive`` keeps them
    connected).

    Args:
        net: The network.
        k: How many.
        values: One number per node (e.g. a replicate's drawn enthusiasm); default:
            the node attribute ``attribute``.
        attribute: Node attribute holding enthusiasm when ``values`` is not given.
        interest: Restrict to this interest community (a value of
            ``interest_attribute``).
        interest_attribute: Node attribute holding each person's interest.

    Returns:
        ``int64`` node ids, hottest first (ties: smaller id).

    Raises:
        ValidationError: No values and no such attribute, wrong length, not numeric
            or NaN (key ``first_pin.enthusiasm``); missing interest attribute or
            unknown ``interest`` (``first_pin.interest``); a community smaller than
            k (``first_pin.size``).

    Examples:
        >>> import networkx as nx
        >>> from sim.network import from_networkx
        >>> net = from_networkx(nx.path_graph(4))
        >>> enthusiasm(net, 2, values=[0.1, 0.9, 0.5, 0.9]).tolist()
        [1, 3]

    Notes:
        O(n) time and memory.

    References:
        The articles' "start from hot users" (see ``docs/strategies.md``).
    """
    heat = node_values(net, values, attribute, "first_pin.enthusiasm", what="enthusiasm")
    if interest is None:
        return top_k(heat, k)
    codes, labels = _interest_codes(net, interest_attribute, "enthusiasm")
    code = _community_code(codes, labels, interest, interest_attribute, k)
    return top_k(heat, k, np.flatnonzero(codes == code))


def influencer(net: Network, k: int) -> np.ndarray:
    """The paid-influencer pick: the k best-connected people, whatever their enthusiasm.

    The same ranking as ``degree`` (out-degree on a directed network: the audience
    a person's word reaches), named for the marketing channel it models: a brand
    pays the people with the largest audience, not the hottest fans, and any
    enthusiasm given is ignored.

    Args:
        net: The network.
        k: How many.

    Returns:
        ``int64`` node ids, largest audience first (ties: smaller id).

    Examples:
        >>> import networkx as nx
        >>> from sim.network import from_networkx
        >>> influencer(from_networkx(nx.star_graph(5)), 1).tolist()
        [0]

    Notes:
        O(n) time and memory.

    References:
        D. J. Watts, P. S. Dodds, "Influentials, networks, and public opinion
        formation", Journal of Consumer Research 34(4), 2007 (the influentials
        hypothesis, and its limits).
    """
    return top_k(net.degree().astype(np.float64), k)


# ------------------------------------------------------------ interest cohesion
def _interest_codes(
    net: Network, attribute: str, strategy: str = "interest_cohesive"
) -> tuple[np.ndarray, list]:
    """Integer code per node (-1: no interest) and the label of each code."""
    import pandas as pd

    if attribute not in net.node_attrs:
        have = ", ".join(sorted(net.node_attrs)) or "none"
        raise ValidationError(
            f"strategy {strategy!r} needs an interest per person: no node "
            f"attribute {attribute!r} (node attributes: {have})",
            key="first_pin.interest",
        )
    codes, uniques = pd.factorize(pd.Series(net.node_attrs[attribute], dtype=object))
    return codes.astype(np.int64), list(uniques)


def _grow_connected(
    indptr: np.ndarray, indices: np.ndarray, members: np.ndarray, heat: np.ndarray, k: int
) -> np.ndarray:
    """Greedy hottest connected set of k inside ``members``: start from the hottest
    member, then repeatedly add the hottest member tied to the set; when the set's
    component is used up, start again from the hottest member left."""
    inside = np.zeros(heat.shape[0], dtype=bool)
    inside[members] = True
    taken = np.zeros(heat.shape[0], dtype=bool)
    restart = top_k(heat, members.size, members).tolist()  # hottest first
    frontier: list[tuple[float, int]] = []
    picked: list[int] = []
    r = 0
    while len(picked) < k:
        while frontier and taken[frontier[0][1]]:
            heapq.heappop(frontier)
        if frontier:
            _, v = heapq.heappop(frontier)
        else:
            while taken[restart[r]]:
                r += 1
            v = restart[r]
        taken[v] = True
        picked.append(v)
        for w in indices[indptr[v] : indptr[v + 1]].tolist():
            if inside[w] and not taken[w]:
                heapq.heappush(frontier, (-float(heat[w]), w))
    return np.asarray(picked, dtype=np.int64)


def interest_cohesive(
    net: Network,
    k: int,
    *,
    interest: Hashable | None = None,
    values=None,
    attribute: str = "enthusiasm",
    interest_attribute: str = "community",
    pick: str = "total",
) -> np.ndarray:
    """The hottest connected group inside one interest community.

    The community is ``interest`` if given, else the one with the largest total
    (``pick="total"``) or mean (``pick="mean"``) enthusiasm among those with at
    least k members (ties: the larger, then the first met in node order). Inside
    it the group grows greedily from its hottest member: each step adds the
    hottest member tied (in either direction) to someone already chosen. If that
    connected part of the community has fewer than k people, growth restarts from
    the hottest member left, so the group is as connected as the community allows.

    Args:
        net: The network.
        k: How many.
        interest: The community's label (a value of ``interest_attribute``).
        values: One enthusiasm per node; default: node attribute ``attribute``.
        attribute: Node attribute holding enthusiasm when ``values`` is not given.
        interest_attribute: Node attribute holding each person's interest
            (``None`` or NaN: none).
        pick: How to choose the community when ``interest`` is not given:
            ``"total"`` or ``"mean"`` enthusiasm.

    Returns:
        ``int64`` node ids, in the order added (the hottest member first).

    Raises:
        ValidationError: Missing interest attribute or unknown ``interest`` (key
            ``first_pin.interest``); missing enthusiasm (``first_pin.enthusiasm``);
            the community, or every community, smaller than k
            (``first_pin.size``); bad ``pick`` (``first_pin.pick``).

    Examples:
        >>> import networkx as nx
        >>> from sim.network import from_networkx
        >>> g = nx.path_graph(6)  # 0-1-2-3-4-5
        >>> nx.set_node_attributes(g, dict(enumerate("aaabbb")), "community")
        >>> net = from_networkx(g)
        >>> heat = [0.1, 0.2, 0.9, 0.3, 0.8, 0.7]
        >>> interest_cohesive(net, 2, values=heat).tolist()  # b: total 1.8 > 1.2
        [4, 5]
        >>> interest_cohesive(net, 2, values=heat, interest="a").tolist()
        [2, 1]

    Notes:
        O(n) to group the communities, then O(sum of the chosen members' degrees *
        log) for the greedy growth (a heap of the frontier).

    References:
        The articles' "the first 20 must be connected by a shared interest axis"
        (see ``docs/strategies.md``).
    """
    if pick not in ("total", "mean"):
        raise ValidationError(f"must be 'total' or 'mean', got {pick!r}", key="first_pin.pick")
    codes, labels = _interest_codes(net, interest_attribute)
    heat = node_values(net, values, attribute, "first_pin.enthusiasm", what="enthusiasm")
    groups = len(labels)
    sizes = np.bincount(codes[codes >= 0], minlength=groups)
    if interest is not None:
        code = _community_code(codes, labels, interest, interest_attribute, k)
    else:
        big = np.flatnonzero(sizes >= k)
        if big.size == 0:
            largest = int(sizes.max()) if groups else 0
            raise ValidationError(
                f"a first pin of {k} people, but the largest interest community has {largest}",
                key="first_pin.size",
            )
        total = np.bincount(codes[codes >= 0], weights=heat[codes >= 0], minlength=groups)
        merit = total if pick == "total" else total / np.maximum(sizes, 1)
        order = np.lexsort((big, -sizes[big], -merit[big]))  # codes: first met first
        code = int(big[order[0]])
    members = np.flatnonzero(codes == code)
    indptr, indices = undirected_view(net)
    return _grow_connected(indptr, indices, members, heat, k)


def _community_code(codes, labels, interest, interest_attribute: str, k: int) -> int:
    """The code of community ``interest``, checked to have at least k members."""
    matches = [c for c, lab in enumerate(labels) if _same_label(lab, interest)]
    if not matches:
        shown = ", ".join(repr(_plain(x)) for x in labels[:12])
        more = f" and {len(labels) - 12} more" if len(labels) > 12 else ""
        raise ValidationError(
            f"no interest community {interest!r} in node attribute "
            f"{interest_attribute!r} (communities: {shown or 'none'}{more})",
            key="first_pin.interest",
        )
    code = matches[0]
    size = int((codes == code).sum())
    if size < k:
        raise ValidationError(
            f"a first pin of {k} people, but interest community {interest!r} has {size}",
            key="first_pin.size",
        )
    return code


def _plain(x):
    return x.item() if isinstance(x, np.generic) else x


def _same_label(label, wanted) -> bool:
    """Equal as given, or as text (a TOML string "3" names community 3)."""
    label = _plain(label)
    if label == wanted:
        return True
    return str(label) == str(wanted)


# ------------------------------------------------------------------- user score
def _score_table(net: Network, table) -> dict[str, np.ndarray]:
    """Columns aligned with node ids (NaN where a person has no row)."""
    if table is None:
        return dict(net.node_attrs)
    import pandas as pd

    if not isinstance(table, pd.DataFrame):
        raise ValidationError(
            f"the person table must be a pandas DataFrame, got {type(table).__name__}",
            key="first_pin.table",
        )
    if not table.index.is_unique:
        dup = table.index[table.index.duplicated()][0]
        raise ValidationError(f"the person table lists node {dup!r} twice", key="first_pin.table")
    rows = net.ids(table.index.tolist(), key="first_pin.table")  # names an unknown node
    out = {}
    for col in table.columns:
        values = table[col].to_numpy()
        full = np.full(net.num_nodes, np.nan, dtype=object)
        full[rows] = values
        out[str(col)] = full
    return out


def _as_float(column: np.ndarray, name: str, key: str) -> np.ndarray:
    try:
        return np.asarray([np.nan if v is None else v for v in column.tolist()], dtype=np.float64)
    except (TypeError, ValueError):
        raise ValidationError(f"score column {name!r} must be numeric", key=key) from None


def score(
    net: Network,
    k: int,
    *,
    columns: Mapping[str, float] | Sequence[str],
    table=None,
    stage: Hashable | None = None,
    stage_column: str = "lifecycle_stage",
    standardize: bool = False,
) -> np.ndarray:
    """The top k of a user score: a weighted sum of person-table columns.

    ``score_i = sum_c w_c x_ic`` over the given columns (each standardised to mean 0
    and standard deviation 1 over the candidates first, if ``standardize``), like
    a vendor's usage score over several axes. With ``stage``, only the people whose
    ``stage_column`` equals it are candidates (e.g. the "active" lifecycle stage).
    People missing from the table, or with an empty cell in a score column, are
    not candidates.

    Args:
        net: The network.
        k: How many.
        columns: ``{column: weight}``, or a list of columns (weight 1 each).
        table: A pandas DataFrame indexed by node label (one row per person);
            default: the network's node attributes.
        stage: Keep only people in this lifecycle stage.
        stage_column: The column holding the stage.
        standardize: Put the columns on one scale before weighting.

    Returns:
        ``int64`` node ids, best score first (ties: smaller id).

    Raises:
        ValidationError: A score column missing (names it and lists the available
            ones), non-numeric, or no columns / a non-finite weight (key
            ``first_pin.score_columns``); a table that is not a DataFrame, repeats
            or names an unknown node (``first_pin.table``); the stage column
            missing (``first_pin.stage_column``); fewer than k candidates
            (``first_pin.size``).

    Examples:
        >>> import pandas as pd
        >>> import networkx as nx
        >>> from sim.network import from_networkx
        >>> people = pd.DataFrame(
        ...     {"logins": [5, 1, 9, 7], "posts": [0, 8, 1, 2],
        ...      "lifecycle_stage": ["active", "active", "new", "active"]})
        >>> net = from_networkx(nx.path_graph(4))
        >>> score(net, 2, columns={"logins": 1.0, "posts": 0.5}, table=people).tolist()
        [2, 3]
        >>> score(net, 2, columns=["logins", "posts"], table=people, stage="active").tolist()
        [1, 3]

    Notes:
        O(n * columns) time and memory, then O(n) to select.

    References:
        The articles' "find the first pin from usage data" (see
        ``docs/strategies.md``).
    """
    key = "first_pin.score_columns"
    if isinstance(columns, str):
        columns = [columns]
    if isinstance(columns, Mapping):
        weights = dict(columns)
    elif isinstance(columns, Sequence):
        weights = {c: 1.0 for c in columns}
    else:
        raise ValidationError(
            f"expected {{column: weight}} or a list of columns, got {type(columns).__name__}",
            key=key,
        )
    if not weights:
        raise ValidationError("no score columns given", key=key)
    data = _score_table(net, table)
    for col, w in weights.items():
        if col not in data:
            have = ", ".join(sorted(map(str, data))) or "none"
            source = "person table" if table is not None else "node attributes"
            raise ValidationError(f"no column {col!r} in the {source} (columns: {have})", key=key)
        bad = not isinstance(w, numbers.Real) or isinstance(w, bool)
        if bad or not math.isfinite(float(w)):
            raise ValidationError(f"weight of {col!r} must be a finite number, got {w!r}", key=key)
    cols = {c: _as_float(np.asarray(data[c]), c, key) for c in weights}
    ok = np.ones(net.num_nodes, dtype=bool)
    for x in cols.values():
        ok &= np.isfinite(x)
    if stage is not None:
        if stage_column not in data:
            have = ", ".join(sorted(map(str, data))) or "none"
            raise ValidationError(
                f"no stage column {stage_column!r} (columns: {have})",
                key="first_pin.stage_column",
            )
        ok &= np.asarray([_same_label(v, stage) for v in np.asarray(data[stage_column]).tolist()])
    candidates = np.flatnonzero(ok)
    if candidates.size < k:
        where = f" in stage {stage!r}" if stage is not None else ""
        raise ValidationError(
            f"a first pin of {k} people, but only {candidates.size} people{where} have "
            f"every score column",
            key="first_pin.size",
        )
    total = np.zeros(net.num_nodes, dtype=np.float64)
    for c, w in weights.items():
        x = cols[c]
        if standardize:
            sub = x[candidates]
            sd = float(sub.std())
            x = (x - float(sub.mean())) / (sd if sd > 0 else 1.0)
        total += float(w) * np.where(ok, x, 0.0)
    return top_k(total, k, candidates)
