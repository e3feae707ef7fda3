"""Real social networks bundled with the package, loaded by name.

The files live in ``sim/network/data/`` (gzipped, unchanged apart from line endings;
provenance, citations and licence notes in ``data/ATTRIBUTION.md``). Every dataset
loads as a :class:`~sim.network.csr.Network` through the same readers and rules as
user files. Where the data has ground-truth groups, the node attribute
``"community"`` holds them as ints (the canonical name everywhere), next to the
dataset's own attribute (``department``, ``conference``, ``leaning``, ``club``).

=================  =====  =====  ======================================================
name               nodes  edges  communities
=================  =====  =====  ======================================================
``email-eu-core``   1005  16064  42 departments (directed: 24929 arcs)
``facebook``        4039  88234  none
``ca-grqc``         5242  14484  none
``football``         115    613  12 conferences
``polbooks``         105    441  3 leanings (l, n, c)
``karate``            34     78  2 clubs
=================  =====  =====  ======================================================
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

import numpy as np

from sim.errors import ValidationError
from sim.network.csr import Network, from_edges, from_networkx
from sim.network.io import read_edgelist, read_gml

__all__ = ["load_dataset", "list_datasets", "POLBOOKS_LEANING_CODES"]

#: ``community`` code of each polbooks leaning (liberal, neutral, conservative).
POLBOOKS_LEANING_CODES = {"l": 0, "n": 1, "c": 2}
KARATE_CLUB_CODES = {"Mr. Hi": 0, "Officer": 1}


def _data_path(filename: str):
    return resources.as_file(resources.files("sim.network").joinpath("data", filename))


def _read_edges(filename: str, directed: bool, name: str) -> Network:
    with _data_path(filename) as path:
        return read_edgelist(path, directed=directed, name=name)


def _email(directed: bool) -> Network:
    import pandas as pd

    arcs = _read_edges("email-Eu-core.txt.gz", True, "email-eu-core")
    with _data_path("email-Eu-core-department-labels.txt.gz") as path:
        table = pd.read_csv(path, sep=r"\s+", header=None, names=["node", "dept"], dtype=np.int64)
    table = table.sort_values("node", kind="stable")
    nodes, dept = table["node"].to_numpy(), table["dept"].to_numpy()
    return _email_network(arcs, nodes, dept, directed)


def _email_network(arcs: Network, nodes: np.ndarray, dept: np.ndarray, directed: bool):
    index = np.searchsorted(nodes, arcs.labels)
    if (index >= nodes.size).any() or not np.array_equal(nodes[index], arcs.labels):
        raise ValidationError("email-eu-core: a node has no department", key="dataset")
    src = np.repeat(np.arange(arcs.num_nodes), arcs.degree())
    return from_edges(
        index[src],
        index[arcs.indices],
        num_nodes=nodes.size,
        directed=directed,
        labels=nodes,
        node_attrs={"department": dept, "community": dept.copy()},
        name="email-eu-core",
    )


def _gml_with_groups(filename: str, name: str, attr: str, codes: dict | None) -> Network:
    with _data_path(filename) as path:
        net = read_gml(path, label="label", name=name)
    value = net.node_attrs.pop("value")
    if codes is None:
        net.node_attrs[attr] = value.astype(np.int64)
        net.node_attrs["community"] = value.astype(np.int64)
    else:
        net.node_attrs[attr] = value
        net.node_attrs["community"] = np.array([codes[v] for v in value], dtype=np.int64)
    return net


def _karate() -> Network:
    import networkx as nx

    net = from_networkx(nx.karate_club_graph(), name="karate")
    club = net.node_attrs["club"]
    net.node_attrs["community"] = np.array([KARATE_CLUB_CODES[c] for c in club], dtype=np.int64)
    return net


@dataclass(frozen=True)
class _Dataset:
    name: str
    nodes: int
    edges: int
    directed_edges: int | None  # arcs of the directed version, if there is one
    communities: int | None
    description: str
    citation: str
    load: Callable[[bool], Network]


_SNAP = "https://snap.stanford.edu/data/"
_DATASETS = {
    d.name: d
    for d in (
        _Dataset(
            "email-eu-core",
            1005,
            16064,
            24929,
            42,
            "E-mail among members of a European research institution (SNAP); an arc u->v "
            "means u e-mailed v. Node attributes department/community: 42 departments. "
            "Includes nodes without edges.",
            "J. Leskovec, J. Kleinberg, C. Faloutsos, ACM TKDD 1(1), 2007; H. Yin, "
            "A. R. Benson, J. Leskovec, D. F. Gleich, KDD 2017. " + _SNAP + "email-Eu-core.html",
            _email,
        ),
        _Dataset(
            "facebook",
            4039,
            88234,
            None,
            None,
            "Friendships in 10 anonymised Facebook ego networks, combined (SNAP ego-Facebook).",
            "J. McAuley, J. Leskovec, NIPS 2012. " + _SNAP + "ego-Facebook.html",
            lambda directed: _read_edges("facebook_combined.txt.gz", False, "facebook"),
        ),
        _Dataset(
            "ca-grqc",
            5242,
            14484,
            None,
            None,
            "Co-authorship among arXiv General Relativity authors, 1993-2003 (SNAP ca-GrQc).",
            "J. Leskovec, J. Kleinberg, C. Faloutsos, ACM TKDD 1(1), 2007. "
            + _SNAP
            + "ca-GrQc.html",
            lambda directed: _read_edges("ca-GrQc.txt.gz", False, "ca-grqc"),
        ),
        _Dataset(
            "football",
            115,
            613,
            None,
            12,
            "US college football Division IA games, fall 2000; node attributes "
            "conference/community: 12 conferences (labels partly off for that season).",
            "M. Girvan, M. E. J. Newman, PNAS 99:7821-7826, 2002.",
            lambda directed: _gml_with_groups("football.gml.gz", "football", "conference", None),
        ),
        _Dataset(
            "polbooks",
            105,
            441,
            None,
            3,
            "Books on US politics co-purchased on Amazon (2004); node attribute leaning "
            "l/n/c, community 0/1/2 (liberal/neutral/conservative).",
            "V. Krebs (unpublished, orgnet.com); M. E. J. Newman, PNAS 103:8577-8582, 2006.",
            lambda directed: _gml_with_groups(
                "polbooks.gml.gz", "polbooks", "leaning", POLBOOKS_LEANING_CODES
            ),
        ),
        _Dataset(
            "karate",
            34,
            78,
            None,
            2,
            "Zachary's karate club (from networkx); node attribute club 'Mr. Hi'/'Officer', "
            "community 0/1; edge attribute weight = number of shared contexts.",
            "W. W. Zachary, J. Anthropol. Res. 33:452-473, 1977.",
            lambda directed: _karate(),
        ),
    )
}


def _lookup(name: str) -> _Dataset:
    if not isinstance(name, str):
        raise ValidationError(f"must be a dataset name, got {name!r}", key="dataset")
    key = name.strip().lower().replace("_", "-")
    if key not in _DATASETS:
        raise ValidationError(
            f"unknown dataset {name!r}; available: {', '.join(_DATASETS)}", key="dataset"
        )
    return _DATASETS[key]


def load_dataset(name: str, *, directed: bool = False) -> Network:
    """Load a bundled real network by name.

    Args:
        name: One of :func:`list_datasets` (case-insensitive; ``_`` and ``-`` alike).
        directed: Load the directed arcs; only ``email-eu-core`` is directed data.
            Default: the simple undirected graph (self-loops dropped, u->v and v->u
            merged into one edge).

    Returns:
        The network, named with the canonical dataset name; ground-truth groups (if
        any) in node attribute ``"community"`` (ints).

    Raises:
        ValidationError: If the name is unknown (the message lists the datasets) or
            ``directed=True`` is asked of an undirected dataset.

    Notes:
        Under a second for the largest (facebook, 88k edges).

    Examples:
        >>> net = load_dataset("Email_EU_Core")
        >>> net.num_nodes, net.num_edges, len(set(net.node_attrs["community"].tolist()))
        (1005, 16064, 42)
        >>> load_dataset("email-eu-core", directed=True).num_edges
        24929
    """
    ds = _lookup(name)
    if directed and ds.directed_edges is None:
        directed_ones = [d.name for d in _DATASETS.values() if d.directed_edges is not None]
        raise ValidationError(
            f"dataset {ds.name!r} is undirected; a directed version exists only for "
            f"{', '.join(directed_ones)}",
            key="directed",
        )
    return ds.load(bool(directed))


def list_datasets() -> list[dict]:
    """What :func:`load_dataset` offers, without loading anything.

    Returns:
        One dict per dataset: ``name``; ``nodes`` and ``edges`` of the default
        (undirected, simple) load; ``directed`` (whether the data is directed, i.e.
        ``directed=True`` is accepted); ``directed_edges`` (arcs then loaded, else
        ``None``); ``communities`` (number of ground-truth groups in node attribute
        ``"community"``, or ``None``); ``description``; ``citation``.

    Examples:
        >>> [d["name"] for d in list_datasets()][:3]
        ['email-eu-core', 'facebook', 'ca-grqc']
    """
    return [
        {
            "name": d.name,
            "nodes": d.nodes,
            "edges": d.edges,
            "directed": d.directed_edges is not None,
            "directed_edges": d.directed_edges,
            "communities": d.communities,
            "description": d.description,
            "citation": d.citation,
        }
        for d in _DATASETS.values()
    ]
