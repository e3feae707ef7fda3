"""Bundled datasets: counts against the published figures (SOURCES.md), attributes."""

import gzip
from importlib import resources

import networkx as nx
import numpy as np
import pytest

from sim.errors import ValidationError
from sim.network import list_datasets, load_dataset, to_networkx
from sim.network.datasets import POLBOOKS_LEANING_CODES

# name -> (nodes, simple undirected edges, number of ground-truth communities)
PUBLISHED = {
    "email-eu-core": (1005, 16064, 42),
    "facebook": (4039, 88234, None),
    "ca-grqc": (5242, 14484, None),
    "football": (115, 613, 12),
    "polbooks": (105, 441, 3),
    "karate": (34, 78, 2),
}


@pytest.mark.parametrize("name", list(PUBLISHED))
def test_counts_match_published_and_listing(name):
    nodes, edges, groups = PUBLISHED[name]
    net = load_dataset(name)
    assert not net.directed
    assert (net.num_nodes, net.num_edges) == (nodes, edges)
    assert net.name == name
    listed = {d["name"]: d for d in list_datasets()}[name]
    assert (listed["nodes"], listed["edges"], listed["communities"]) == (nodes, edges, groups)
    if groups is None:
        assert "community" not in net.node_attrs
    else:
        comm = net.node_attrs["community"]
        assert comm.dtype == np.int64 and comm.shape == (nodes,)
        assert len(np.unique(comm)) == groups


def test_email_directed_and_isolated_nodes():
    arcs = load_dataset("email-eu-core", directed=True)
    assert arcs.directed
    assert (arcs.num_nodes, arcs.num_arcs) == (1005, 25571 - 642)  # file arcs minus self-loops
    assert arcs.labels.tolist() == list(range(1005))
    und = load_dataset("email-eu-core")
    assert int((und.degree() == 0).sum()) == 19  # people with no e-mail to anyone else
    # The department of node 2 in the labels file is 21.
    assert und.node_attrs["department"][2] == 21
    assert np.array_equal(und.node_attrs["department"], und.node_attrs["community"])
    assert np.bincount(und.node_attrs["community"]).max() == 109


def test_email_matches_networkx_reading_of_the_raw_file():
    with resources.as_file(
        resources.files("sim.network").joinpath("data", "email-Eu-core.txt.gz")
    ) as path:
        g = nx.read_edgelist(path, create_using=nx.DiGraph, nodetype=int)
    g.remove_edges_from(list(nx.selfloop_edges(g)))
    net = load_dataset("email-eu-core", directed=True)
    for u in (0, 1, 17, 500):
        assert net.neighbors(u).tolist() == sorted(g.successors(u))


def test_ca_grqc_comma_file_and_labels():
    net = load_dataset("ca_GrQc")
    assert net.labels.dtype == np.int64
    u = net.ids([3466])[0]
    assert {937, 5233, 8579} <= set(net.label_of(net.neighbors(u)))


def test_football_attributes():
    net = load_dataset("Football")
    assert net.labels[0] == "BrighamYoung"
    assert net.node_attrs["conference"][0] == 7
    assert np.array_equal(net.node_attrs["conference"], net.node_attrs["community"])
    assert "value" not in net.node_attrs


def test_polbooks_leaning_codes():
    net = load_dataset("polbooks")
    leaning = net.node_attrs["leaning"].tolist()
    assert leaning[:2] == ["n", "c"]
    assert set(leaning) == {"l", "n", "c"}
    codes = [POLBOOKS_LEANING_CODES[x] for x in leaning]
    assert net.node_attrs["community"].tolist() == codes


def test_karate_clubs():
    net = load_dataset("karate")
    assert net.node_attrs["club"][0] == "Mr. Hi"
    assert net.node_attrs["community"][0] == 0 and net.node_attrs["community"][33] == 1
    assert np.bincount(net.node_attrs["community"]).tolist() == [17, 17]
    g = to_networkx(net)
    assert g.nodes[33]["community"] == 1


def test_data_files_are_gzip_and_attributed():
    data = resources.files("sim.network").joinpath("data")
    text = data.joinpath("ATTRIBUTION.md").read_text()
    for name in (
        "email-Eu-core.txt.gz",
        "email-Eu-core-department-labels.txt.gz",
        "facebook_combined.txt.gz",
        "ca-GrQc.txt.gz",
        "football.gml.gz",
        "polbooks.gml.gz",
    ):
        assert f"`{name}`" in text or f"## {name}" in text
        with data.joinpath(name).open("rb") as raw, gzip.open(raw) as fh:
            assert fh.read(64)


def test_unknown_name_lists_datasets():
    with pytest.raises(ValidationError, match="available: email-eu-core, facebook") as err:
        load_dataset("twitter")
    assert err.value.key == "dataset"


def test_directed_only_where_the_data_is():
    with pytest.raises(ValidationError, match="only for email-eu-core") as err:
        load_dataset("facebook", directed=True)
    assert err.value.key == "directed"


def test_list_datasets_fields():
    rows = list_datasets()
    assert [d["name"] for d in rows] == list(PUBLISHED)
    for d in rows:
        assert set(d) >= {"name", "nodes", "edges", "directed", "communities", "description",
                          "citation"}  # fmt: skip
        assert d["description"] and d["citation"]
    assert [d["name"] for d in rows if d["directed"]] == ["email-eu-core"]
