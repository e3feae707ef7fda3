"""File loaders: formats, label handling, and every malformed-input case with its line."""

import gzip

import networkx as nx
import numpy as np
import pytest

from sim.errors import DataFileError, ValidationError
from sim.network import load_network, read_edgelist, read_gml, read_graphml
from sim.network.io import _scan, _token_codes


def write(tmp_path, name, text, *, gz=False):
    path = tmp_path / name
    data = text.encode() if isinstance(text, str) else text
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def edge_set(net):
    """Edges as label pairs (frozensets when undirected), for comparisons."""
    src = np.repeat(np.arange(net.num_nodes), net.degree())
    pairs = zip(net.label_of(src), net.label_of(net.indices), strict=True)
    return {(u, v) if net.directed else frozenset((u, v)) for u, v in pairs}


# ------------------------------------------------------------------ edge lists
def test_whitespace_comments_blank_lines(tmp_path):
    path = write(
        tmp_path,
        "g.txt",
        "# SNAP-style header\n% another\n\n1 2\n2\t3   # trailing comment\n  3   1  \n\n",
    )
    net = read_edgelist(path)
    assert net.name == "g"
    assert not net.directed and net.weights is None
    assert net.labels.tolist() == [1, 2, 3]
    assert edge_set(net) == {frozenset(e) for e in [(1, 2), (2, 3), (3, 1)]}


def test_integer_labels_get_ascending_ids(tmp_path):
    net = read_edgelist(write(tmp_path, "g.txt", "30 10\n20 30\n"))
    assert net.labels.tolist() == [10, 20, 30]
    assert net.labels.dtype == np.int64
    assert net.neighbors(0).tolist() == [2]


def test_sparse_large_integer_labels(tmp_path):
    net = read_edgelist(write(tmp_path, "g.txt", "5000000000 7\n7 -3\n"))
    assert net.labels.tolist() == [-3, 7, 5000000000]
    assert net.num_edges == 2


def test_gz_and_comma_autodetect(tmp_path):
    path = write(tmp_path, "g.csv.gz", "# c\n1,2\n2, 3\n", gz=True)
    net = read_edgelist(path)
    assert net.name == "g"
    assert edge_set(net) == {frozenset((1, 2)), frozenset((2, 3))}


def test_string_and_mixed_labels_first_appearance_order(tmp_path):
    net = read_edgelist(write(tmp_path, "g.txt", "ann bob\nbob 7\n007 ann\ncat 7\n"))
    # "007" and "7" are the same integer node 7; ids follow first appearance.
    assert net.labels.tolist() == ["ann", "bob", 7, "cat"]
    expected = [("ann", "bob"), ("bob", 7), (7, "ann"), ("cat", 7)]
    assert edge_set(net) == {frozenset(e) for e in expected}


def test_tab_delimiter_keeps_spaces_in_labels(tmp_path):
    path = write(tmp_path, "g.tsv", "New York\tBoston\t2.5\nBoston\tSan Jose\t1\n")
    net = read_edgelist(path, delimiter="\t")
    assert net.labels.tolist() == ["New York", "Boston", "San Jose"]
    assert net.weights.tolist() == [2.5, 2.5, 1.0, 1.0]


def test_weights_auto_true_false(tmp_path):
    path = write(tmp_path, "w.txt", "0 1 0.5\n1 2 2\n0 1 9\n")
    auto = read_edgelist(path, directed=True)
    assert auto.weights.tolist() == [0.5, 2.0]  # duplicate 0 1 keeps the first weight
    assert read_edgelist(path, weighted=True).num_edges == 2
    assert read_edgelist(path, weighted=False).weights is None


def test_weighted_false_ignores_extra_columns(tmp_path):
    path = write(tmp_path, "t.txt", "0 1 x 1999\n1 2\n2 3 y\n")
    net = read_edgelist(path, weighted=False)
    assert net.num_edges == 3 and net.weights is None


def test_directed_self_loops_and_duplicates(tmp_path):
    net = read_edgelist(write(tmp_path, "d.txt", "1 2\n2 1\n1 2\n3 3\n"), directed=True)
    assert net.directed
    assert net.num_nodes == 3  # node 3 only has a self-loop: kept, isolated
    assert edge_set(net) == {(1, 2), (2, 1)}


def test_crlf_and_bom(tmp_path):
    net = read_edgelist(write(tmp_path, "w.txt", b"\xef\xbb\xbf1 2\r\n2 3\r\n"))
    assert net.labels.tolist() == [1, 2, 3]


def test_explicit_comments_and_name(tmp_path):
    path = write(tmp_path, "c.txt", "; header\n1 2\n")
    net = read_edgelist(path, comments=";", name="mine")
    assert net.name == "mine" and net.num_edges == 1
    plain = read_edgelist(path, comments=None)  # "; header" is then an edge
    assert plain.labels.tolist() == [";", "header", 1, 2]


def test_matches_networkx_reader(tmp_path):
    rng = np.random.default_rng(0)
    edges = rng.integers(0, 60, size=(300, 2))
    path = write(tmp_path, "r.txt", "".join(f"{u} {v}\n" for u, v in edges))
    g = nx.read_edgelist(path, nodetype=int)
    g.remove_edges_from(list(nx.selfloop_edges(g)))
    net = read_edgelist(path)
    assert net.num_nodes == g.number_of_nodes()
    assert edge_set(net) == {frozenset(e) for e in g.edges}


def test_slow_scan_agrees_with_fast_path(tmp_path):
    text = "# c\nann bob 0.5\n\nbob 7 2\n7 ann 1e-3 % note\n"
    fast = read_edgelist(write(tmp_path, "s.txt", text))
    s, d, w = _scan(text.encode(), tmp_path / "s.txt", None, (b"#", b"%"), None)
    s_ids, d_ids, labels = _token_codes(s, d)
    assert labels.tolist() == fast.labels.tolist()
    assert w == [0.5, 2.0, 1e-3]
    assert [labels[i] for i in s_ids] == ["ann", "bob", 7]
    assert [labels[i] for i in d_ids] == ["bob", 7, "ann"]


@pytest.mark.parametrize(
    ("text", "kw", "line", "match"),
    [
        ("# c\n1 2\n\n3\n4 5\n", {}, 4, "expected 2 or 3 columns .* got 1: '3'"),
        ("1 2\n2 3 4 5\n", {}, 2, "got 4"),
        ("1 2 0.5\n2 3 abc\n", {}, 2, "weight 'abc' is not a number"),
        ("1 2 0.5\n2 3 nan\n", {}, 2, "finite number, got 'nan'"),
        ("1 2 0.5\n2 3 1\n3 4 inf\n", {}, 3, "finite number, got 'inf'"),
        ("1 2 0.5\n% c\n2 3\n", {}, 3, "2 columns, but line 1 has 3"),
        ("1 2\n2 3\n3 4 0.5\n", {}, 3, "3 columns, but line 1 has 2"),
        ("a,b\nb,c\n,c\n", {}, 3, "empty node label"),
        ("a,b\nb,\n", {}, 2, "empty node label"),
        ("source,target,weight\n1,2,3\n", {}, 1, "header line"),
        ("1 2\n", {"weighted": True}, 1, "no weight"),
        ("1 2 1\n2 3 x\n", {"weighted": True}, 2, "not a number"),
        (b"1 2\n# \xff is fine in a comment\n2 \xff\xfe\n", {}, 3, "not valid UTF-8"),
        ("1 2\n2 3\n\n3\n", {"weighted": False}, 4, "got 1"),
    ],
)
def test_malformed_lines_name_file_and_line(tmp_path, text, kw, line, match):
    path = write(tmp_path, "bad.txt", text)
    with pytest.raises(DataFileError, match=match) as err:
        read_edgelist(path, **kw)
    assert err.value.line == line
    assert err.value.file == str(path)
    assert str(err.value).startswith(f"{path}:{line}: ")


def test_malformed_line_in_gz_file(tmp_path):
    path = write(tmp_path, "bad.el.gz", "1 2\n" * 1000 + "oops\n", gz=True)
    with pytest.raises(DataFileError) as err:
        load_network(path)
    assert err.value.line == 1001


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("empty.txt", b"", "no edges"),
        ("blank.txt", b"\n\n   \n", "no edges"),
        ("comments.txt", b"# a\n% b\n", "no edges"),
        ("notgz.txt.gz", b"1 2\n", "not a valid gzip file"),
        ("cut.txt.gz", gzip.compress(b"1 2\n" * 100, mtime=0)[:-12], "not a valid gzip file"),
    ],
)
def test_unusable_files(tmp_path, name, content, match):
    path = write(tmp_path, name, content)
    with pytest.raises(DataFileError, match=match) as err:
        read_edgelist(path)
    assert err.value.file == str(path)
    assert err.value.line is None


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(DataFileError, match="file not found") as err:
        read_edgelist(tmp_path / "nope.txt")
    assert err.value.file == str(tmp_path / "nope.txt")
    with pytest.raises(DataFileError, match="is a directory"):
        read_edgelist(tmp_path)


@pytest.mark.parametrize(
    ("kw", "key"),
    [
        ({"delimiter": "::"}, "delimiter"),
        ({"comments": ("//",)}, "comments"),
        ({"delimiter": "#"}, "delimiter"),
    ],
)
def test_bad_reader_options(tmp_path, kw, key):
    path = write(tmp_path, "g.txt", "1 2\n")
    with pytest.raises(ValidationError) as err:
        read_edgelist(path, **kw)
    assert err.value.key == key
    assert not isinstance(err.value, DataFileError)


# ------------------------------------------------------------------------ GML
GML = """graph [
  directed 0
  node [ id 0 label "ann" group 1 ]
  node [ id 1 label "bob" group 2 ]
  node [ id 2 label "cat" group 1 ]
  edge [ source 0 target 1 weight 0.5 ]
  edge [ source 1 target 2 weight 0.25 ]
]
"""


def test_read_gml_label_and_id(tmp_path):
    path = write(tmp_path, "g.gml.gz", GML, gz=True)
    net = read_gml(path)
    assert net.name == "g"
    assert net.labels.tolist() == ["ann", "bob", "cat"]
    assert net.node_attrs["group"].tolist() == [1, 2, 1]
    assert net.edge_attrs["weight"].tolist() == [0.5, 0.5, 0.25, 0.25]
    by_id = read_gml(path, label="id")
    assert by_id.labels.tolist() == [0, 1, 2]
    assert by_id.node_attrs["label"].tolist() == ["ann", "bob", "cat"]


def test_read_gml_directed(tmp_path):
    path = write(tmp_path, "d.gml", GML.replace("directed 0", "directed 1"))
    net = read_gml(path)
    assert net.directed and net.num_arcs == 2


def test_read_gml_syntax_error_has_line(tmp_path):
    path = write(tmp_path, "bad.gml", 'graph [\n  node [ id 0 label "a" ]\n  node [ id 1\n]\n')
    with pytest.raises(DataFileError, match="not a valid GML file") as err:
        read_gml(path)
    assert err.value.file == str(path)
    assert err.value.line == 5


def test_read_gml_missing_label_suggests_id(tmp_path):
    path = write(tmp_path, "nolabel.gml", "graph [ node [ id 0 ] node [ id 1 ] ]")
    with pytest.raises(DataFileError, match="try label='id'"):
        read_gml(path)
    assert read_gml(path, label="id").num_nodes == 2


def test_read_gml_bad_label_option(tmp_path):
    with pytest.raises(ValidationError) as err:
        read_gml(write(tmp_path, "g.gml", GML), label="name")
    assert err.value.key == "label"


# -------------------------------------------------------------------- GraphML
def test_read_graphml_with_attributes(tmp_path):
    g = nx.Graph()
    g.add_node("a", community=0)
    g.add_node("b", community=1)
    g.add_node("c", community=1)  # isolated
    g.add_edge("a", "b", weight=0.75)
    path = tmp_path / "g.graphml"
    nx.write_graphml(g, path)
    path_gz = write(tmp_path, "g.graphml.gz", path.read_bytes(), gz=True)
    for p in (path, path_gz):
        net = read_graphml(p)
        assert net.labels.tolist() == ["a", "b", "c"]
        assert net.node_attrs["community"].tolist() == [0, 1, 1]
        assert net.edge_attrs["weight"].tolist() == [0.75, 0.75]
        assert net.num_nodes == 3 and net.num_edges == 1


def test_read_graphml_xml_error_has_line(tmp_path):
    text = (
        '<?xml version="1.0"?>\n<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
        '<graph edgedefault="undirected">\n<node id="a"/>\n<edge source="a" target="b">\n'
        "</graph></graphml>\n"
    )
    path = write(tmp_path, "bad.graphml", text)
    with pytest.raises(DataFileError, match="not a valid GraphML file") as err:
        read_graphml(path)
    assert err.value.line == 6


def test_read_graphml_empty_graph(tmp_path):
    path = tmp_path / "empty.graphml"
    nx.write_graphml(nx.Graph(), path)
    with pytest.raises(DataFileError, match="no nodes"):
        read_graphml(path)


# ------------------------------------------------------------------ dispatcher
@pytest.mark.parametrize("ext", [".txt", ".csv", ".tsv", ".edges", ".el", ".txt.gz", ".EL.GZ"])
def test_load_network_edgelist_extensions(tmp_path, ext):
    gz = ext.lower().endswith(".gz")
    sep = "," if ".csv" in ext else "\t"
    path = write(tmp_path, "net" + ext, f"1{sep}2\n2{sep}3\n", gz=gz)
    net = load_network(path)
    assert (net.num_nodes, net.num_edges) == (3, 2)


def test_load_network_gml_graphml_and_format(tmp_path):
    assert load_network(write(tmp_path, "a.gml", GML)).num_edges == 2
    nx.write_graphml(nx.path_graph(4), tmp_path / "b.graphml")
    assert load_network(tmp_path / "b.graphml").num_edges == 3
    odd = write(tmp_path, "c.dat", "1 2\n")
    assert load_network(odd, format="edgelist").num_edges == 1
    with pytest.raises(DataFileError, match="unknown network file type") as err:
        load_network(odd)
    assert err.value.file == str(odd)
    with pytest.raises(ValidationError) as verr:
        load_network(odd, format="pajek")
    assert verr.value.key == "format"


def test_load_network_rejects_options_of_other_readers(tmp_path):
    path = write(tmp_path, "a.gml", GML)
    with pytest.raises(ValidationError, match="allowed: label, name") as err:
        load_network(path, directed=True)
    assert err.value.key == "directed"
