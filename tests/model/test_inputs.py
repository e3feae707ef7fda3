"""Parameters, people, ties and first pin: construction and every bad input."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from pydantic import BaseModel

from sim.errors import DataFileError, ValidationError
from sim.model.params import ModelParams, parse_params
from sim.model.population import build_structure, detect_interest, draw_people, overlap_trust
from sim.model.seeding import choose_first_pin
from sim.model.simulate import prepare, simulate_wom
from sim.network.csr import from_networkx


def _key(exc_info):
    return exc_info.value.key


# ----------------------------------------------------------------- parameters
@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"people": {"enthusiasm": {"kind": "constant", "value": 1.5}}}, "people.enthusiasm.value"),
        ({"people": {"enthusiasm": {"kind": "uniform", "low": -0.1}}}, "people.enthusiasm.low"),
        ({"people": {"enthusiasm": {"kind": "uniform", "low": 0.6, "high": 0.5}}},
         "people.enthusiasm.high"),
        ({"people": {"susceptibility": {"a": 0}}}, "people.susceptibility.a"),
        ({"budget": {"total": -1}}, "budget.total"),
        ({"budget": {"vendor": -5}}, "budget.vendor"),
        ({"community": {"cap": 10}}, "community.cap"),
        ({"community": {"fee": 1.2}}, "community.fee"),
        ({"community": {"cadence": 0}}, "community.cadence"),
        ({"community": {"admission": "sometimes"}}, "community.admission"),
        ({"word_of_mouth": {"talk_prob": 2}}, "word_of_mouth.talk_prob"),
        ({"first_pin": {"size": -1}}, "first_pin.size"),
        ({"vendor": {"conversion": "high"}}, "vendor.conversion"),
        ({"churn": {"rate": 0.1, "speed": 2}}, "churn.speed"),
        ({"mystery": {}}, "mystery"),
    ],
)  # fmt: skip
def test_bad_parameters_name_their_key(data, key):
    with pytest.raises(ValidationError) as exc:
        parse_params(data)
    assert _key(exc) == key
    assert str(exc.value).startswith(f"{key}: ")


def test_cap_check_only_with_a_community():
    parse_params({"community": {"enabled": False, "cap": 5}})
    assert parse_params({"community": {"cap": 20}}).community.cap == 20


def test_with_updates_and_dump_roundtrip():
    p = parse_params(None).with_updates({"community.fee": 0.2, "first_pin.size": 5})
    assert p.community.fee == 0.2 and p.first_pin.size == 5
    assert parse_params(p.model_dump()) == p
    with pytest.raises(ValidationError) as exc:
        p.with_updates({"community.colour": 1})
    assert _key(exc) == "community.colour"
    with pytest.raises(ValidationError) as exc:
        p.with_updates({"community.fee": -1})
    assert _key(exc) == "community.fee"


def test_every_field_is_documented():
    def walk(model):
        for name, info in type(model).model_fields.items():
            value = getattr(model, name)
            if isinstance(value, BaseModel):
                yield from walk(value)
            else:
                yield name, info.description

    undocumented = [name for name, desc in walk(ModelParams()) if not desc]
    assert not undocumented


def test_first_pin_larger_than_network(small_net):
    with pytest.raises(ValidationError) as exc:
        simulate_wom(small_net, {"first_pin": {"size": 500}}, steps=1, seed=1)
    assert _key(exc) == "first_pin.size"
    with pytest.raises(ValidationError) as exc:  # the interest group has 40 people
        simulate_wom(small_net, {"first_pin": {"size": 41, "strategy": "interest"}}, seed=1)
    assert _key(exc) == "first_pin.size"
    with pytest.raises(ValidationError) as exc:
        simulate_wom(small_net, {"influencer": {"enabled": True, "count": 121}}, seed=1)
    assert _key(exc) == "influencer.count"


@pytest.mark.parametrize(
    ("params", "key"),
    [
        ({"people": {"interest": "department"}}, "people.interest"),
        ({"vendor": {"enabled": True, "target": "42"}}, "vendor.target"),
        ({"first_pin": {"strategy": "interest", "interest": "9"}}, "first_pin.interest"),
        ({"trust": {"source": "attribute"}}, "trust.attribute"),
    ],
)
def test_unknown_names_in_the_network(small_net, params, key):
    with pytest.raises(ValidationError) as exc:
        simulate_wom(small_net, params, steps=1, seed=1)
    assert _key(exc) == key


def test_run_arguments(small_net):
    for kwargs, key in [
        ({"replicates": 0}, "replicates"),
        ({"steps": -1}, "steps"),
        ({"seed": -3}, "seed"),
        ({"people_of": 2, "replicates": 2}, "people_of"),
    ]:
        with pytest.raises(ValidationError) as exc:
            simulate_wom(small_net, **kwargs)
        assert _key(exc) == key
    with pytest.raises(ValidationError) as exc:
        simulate_wom("not a graph")
    assert _key(exc) == "network"


# ---------------------------------------------------------------------- trust
def _jaccard_trust(g, floor):
    out = {}
    for u, v in g.edges:
        for a, b in ((u, v), (v, u)):
            na, nb = set(g[a]) - {b}, set(g[b]) - {a}
            union = na | nb
            jac = len(na & nb) / len(union) if union else 0.0
            out[(a, b)] = floor + (1 - floor) * jac
    return out


def test_overlap_trust_is_floored_jaccard():
    g = nx.karate_club_graph()
    net = from_networkx(g)
    trust = overlap_trust(net, 0.2)
    want = _jaccard_trust(g, 0.2)
    src = np.repeat(np.arange(net.num_nodes), net.degree())
    for a, (u, v) in enumerate(zip(src, net.indices, strict=True)):
        assert trust[a] == pytest.approx(want[(int(u), int(v))], abs=1e-12)
    assert trust.min() >= 0.2 and trust.max() <= 1.0


def test_trust_from_attribute_and_constant():
    g = nx.path_graph(4)
    nx.set_edge_attributes(g, {(0, 1): 0.9, (1, 2): 0.1, (2, 3): 0.5}, "trust")
    net = from_networkx(g)
    s = build_structure(net, parse_params({"trust": {"source": "attribute"}}))
    assert s.trust.tolist() == [0.9, 0.9, 0.1, 0.1, 0.5, 0.5]
    s = build_structure(net, parse_params({"trust": {"source": "constant", "value": 0.3}}))
    assert (s.trust == 0.3).all()
    nx.set_edge_attributes(g, {(0, 1): 1.5}, "trust")
    with pytest.raises(ValidationError) as exc:
        build_structure(from_networkx(g), parse_params({"trust": {"source": "attribute"}}))
    assert _key(exc) == "trust.attribute"


# ------------------------------------------------------------------- interest
def test_interest_from_attribute_auto_none(small_net):
    s = build_structure(small_net, parse_params(None))
    assert s.interest_labels == [0, 1, 2]
    assert s.interest.tolist() == [i // 40 for i in range(120)]
    assert np.diff(s.group_ptr).tolist() == [40, 40, 40]
    assert s.group_nodes[:40].tolist() == list(range(40))
    s = build_structure(small_net, parse_params({"people": {"interest": "none"}}))
    assert (s.interest == -1).all() and s.interest_labels == []
    g = nx.path_graph(3)  # no 'community' attribute: auto means none
    assert (build_structure(from_networkx(g), parse_params(None)).interest == -1).all()


def test_interest_labels_with_missing_values():
    g = nx.path_graph(4)
    for i, lab in enumerate(["b", None, "a", "b"]):
        g.nodes[i]["dept"] = lab
    s = build_structure(from_networkx(g), parse_params({"people": {"interest": "dept"}}))
    assert s.interest_labels == ["a", "b"] and s.interest.tolist() == [1, -1, 0, 1]


@pytest.mark.parametrize("method", ["louvain", "label_propagation"])
def test_detected_interest_is_seeded(method, small_net):
    a = detect_interest(small_net, method, seed=3)
    b = detect_interest(small_net, method, seed=3)
    np.testing.assert_array_equal(a, b)
    assert a.min() == 0 and np.bincount(a).min() > 0
    s = build_structure(
        small_net, parse_params({"people": {"interest": method, "detection_seed": 3}})
    )
    assert len(s.interest_labels) == a.max() + 1 and (s.interest >= 0).all()
    if method == "louvain":  # the planted groups are easy to find: one label per group
        assert all(len(set(a[g * 40 : (g + 1) * 40])) == 1 for g in range(3))


# ------------------------------------------------------ values from node attributes
def _own_graph():
    g = nx.Graph([("ann", "bob"), ("bob", "cy"), ("cy", "dee")])
    for v, e in zip(g, (0.9, 0.1, 0.5, 0.2), strict=True):
        g.nodes[v]["heat"] = e
        g.nodes[v]["pliable"] = 1.0 - e
    return g


def test_enthusiasm_and_susceptibility_from_node_attributes():
    """kind = 'attribute' takes the researcher's own values and draws nothing for them."""
    net = from_networkx(_own_graph())
    params = parse_params(
        {"people": {"enthusiasm": {"kind": "attribute", "attribute": "heat"},
                    "susceptibility": {"kind": "attribute", "attribute": "pliable"}}}
    )  # fmt: skip
    s = build_structure(net, params)
    gen = np.random.default_rng(3)
    enth, susc = draw_people(s, params, gen)
    assert enth.tolist() == [0.9, 0.1, 0.5, 0.2]
    assert susc.tolist() == pytest.approx([0.1, 0.9, 0.5, 0.8])
    # Nothing was drawn: the generator is where a fresh one starts.
    assert gen.random() == np.random.default_rng(3).random()
    enth[0] = 0.0  # each replicate gets its own copy
    assert draw_people(s, params, gen)[0][0] == 0.9


def test_enthusiasm_attribute_drives_the_first_pin():
    params = {
        "people": {"enthusiasm": {"kind": "attribute", "attribute": "heat"}},
        "first_pin": {"size": 2, "strategy": "enthusiasm"},
    }
    run = simulate_wom(_own_graph(), params, replicates=2, steps=3, seed=1, people_of=0)
    assert sorted(run.people.node[run.people.first_pin].tolist()) == ["ann", "cy"]


@pytest.mark.parametrize(
    "change, words",
    [
        ({"attribute": "nope"}, "no node attribute 'nope' (node attributes: heat, pliable)"),
        ({"set": ("bob", 1.5)}, "node 'bob' has 1.5"),
        ({"set": ("bob", "hot")}, "must be numeric"),
        ({"drop": "cy"}, "missing on 1 of 4 nodes (first: node 'cy')"),
        ({"set": ("cy", float("nan"))}, "missing on 1 of 4 nodes (first: node 'cy')"),
    ],
)
def test_node_attribute_errors_name_the_key(change, words):
    g = _own_graph()
    if "set" in change:
        g.nodes[change["set"][0]]["heat"] = change["set"][1]
    if "drop" in change:
        del g.nodes[change["drop"]]["heat"]
    params = parse_params(
        {
            "people": {
                "enthusiasm": {"kind": "attribute", "attribute": change.get("attribute", "heat")}
            }
        }
    )
    with pytest.raises(ValidationError) as err:
        build_structure(from_networkx(g), params)
    assert err.value.key == "people.enthusiasm.attribute"
    assert words in str(err.value)


def test_attribute_kind_needs_a_name():
    with pytest.raises(ValidationError) as err:
        parse_params({"people": {"enthusiasm": {"kind": "attribute"}}})
    assert "people.enthusiasm.attribute" in str(err.value)


# --------------------------------------------------------------- person table
def _table(tmp_path, text):
    path = tmp_path / "people.csv"
    path.write_text(text)
    return str(path)


def test_person_table_sets_and_shifts(tmp_path):
    net = from_networkx(nx.path_graph(5))
    path = _table(
        tmp_path,
        "node,enthusiasm,susceptibility_shift,interest,usage_score\n"
        "0,0.9,,tech,3\n"
        "3,,0.5,food,\n"
        "4,0.0,-2,,1.5\n",
    )
    params = parse_params(
        {"people": {"table": path, "enthusiasm": {"kind": "constant", "value": 0.3},
                    "susceptibility": {"kind": "constant", "value": 0.4}}}
    )  # fmt: skip
    s = build_structure(net, params)
    enth, susc = draw_people(s, params, np.random.default_rng(0))
    assert enth.tolist() == [0.9, 0.3, 0.3, 0.3, 0.0]
    assert susc.tolist() == pytest.approx([0.4, 0.4, 0.4, 0.9, 0.0])
    assert s.interest_labels == ["food", "tech"] and s.interest.tolist() == [1, -1, -1, 0, -1]
    np.testing.assert_array_equal(s.scores["usage_score"], [3, np.nan, np.nan, np.nan, 1.5])


def test_person_table_with_string_labels(tmp_path):
    g = nx.Graph([("ann", "bob"), ("bob", "cy")])
    path = _table(tmp_path, "id,enthusiasm\ncy,1.0\n")
    p = parse_params({"people": {"table": path, "table_id": "id"}})
    enth, _ = draw_people(build_structure(from_networkx(g), p), p, np.random.default_rng(0))
    assert enth[2] == 1.0


@pytest.mark.parametrize(
    ("text", "key", "line", "words"),
    [
        ("person,enthusiasm\n0,0.5\n", "people.table_id", 1, "no id column 'node'"),
        ("node,enthusiasm\n0,0.5\n99,0.5\n", "people.table", 3, "node '99' is not in the network"),
        ("node,enthusiasm\n0,0.5\n1,hot\n", "people.table", 3, "'hot' is not a number"),
        ("node,enthusiasm\n0,1.5\n", "people.table", 2, "must be in [0, 1]"),
        ("node,score\n0,1\n0,2\n", "people.table", 3, "listed twice"),
        ("node,enthusiasm_shift\n0,nan\n", "people.table", 2, "not a number"),
    ],
)
def test_person_table_errors_name_file_and_line(tmp_path, text, key, line, words):
    net = from_networkx(nx.path_graph(5))
    path = _table(tmp_path, text)
    with pytest.raises(DataFileError) as exc:
        simulate_wom(net, {"people": {"table": path}, "first_pin": {"size": 2}}, steps=1, seed=1)
    err = exc.value
    assert err.key == key and err.file == path and err.line == line
    assert words in err.message
    assert str(err).startswith(f"{path}:{line}")


def test_person_table_missing_file(tmp_path):
    with pytest.raises(DataFileError) as exc:
        simulate_wom(nx.path_graph(3), {"people": {"table": str(tmp_path / "nope.csv")}})
    assert exc.value.key == "people.table" and "not found" in exc.value.message


# ------------------------------------------------------------------ first pin
@pytest.mark.parametrize("strategy", ["enthusiasm", "degree", "random", "interest"])
def test_first_pin_strategies(small_net, strategy):
    params = parse_params({"first_pin": {"strategy": strategy, "size": 10}})
    s = build_structure(small_net, params)
    enth = np.random.default_rng(1).random(small_net.num_nodes)
    pins = choose_first_pin(small_net, s, params, enth, np.random.default_rng(2))
    assert pins.dtype == np.int32 and len(set(pins.tolist())) == 10
    if strategy == "enthusiasm":
        assert set(pins) == set(np.argsort(-enth)[:10])
    elif strategy == "degree":
        assert small_net.degree()[pins].min() >= np.sort(small_net.degree())[-10]
    elif strategy == "interest":
        assert (s.interest[pins] == 0).all()  # the largest group (ties: first)
        assert set(pins) == set(np.argsort(-enth[:40])[:10])


def test_first_pin_enthusiasm_floor(small_net):
    p = {"first_pin": {"size": 5, "strategy": "random", "enthusiasm": 0.95}}
    run = simulate_wom(small_net, p, steps=0, seed=1, people_of=0)
    pins = run.people[run.people.channel == "first_pin"]
    assert (pins.enthusiasm >= 0.95).all() and (pins.member == "member").all()
    assert (pins.stage == "advocate").all()


def test_no_community_no_first_pin(small_net):
    prep = prepare(small_net, {"community": {"enabled": False}}, seed=1)
    assert prep.pins.shape == (1, 0)


def test_overlap_trust_is_computed_once_per_network():
    """A sweep's points share the network object: the overlap is not recomputed."""
    import gc

    from sim.model import population

    net = from_networkx(nx.karate_club_graph())
    params = parse_params({"trust": {"source": "overlap", "floor": 0.1}})
    a = build_structure(net, params).trust
    assert build_structure(net, params).trust is a  # shared, not recomputed
    np.testing.assert_array_equal(a, overlap_trust(net, 0.1))
    other = parse_params({"trust": {"source": "overlap", "floor": 0.2}})
    assert build_structure(net, other).trust is not a  # keyed by the floor too
    key = (id(net), 0.1)
    assert key in population._OVERLAP_CACHE
    del net, a
    gc.collect()
    assert key not in population._OVERLAP_CACHE  # gone with its network
