"""The first pin in the marketing model: every strategy of `sim.strategies`, its
options as `[first_pin]` keys, once-per-run planning, common random numbers, errors."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import sim
import sim.model.seeding as seeding
from sim.cli import main
from sim.errors import ValidationError
from sim.model import kernels as K  # noqa: N812
from sim.model.params import FIRST_PIN_STRATEGIES, parse_params
from sim.model.population import build_structure
from sim.model.simulate import prepare, simulate_wom
from sim.model.wom import WordOfMouthModel
from sim.network.csr import from_networkx
from sim.strategies import STRATEGIES, first_pin_ids

#: Options that keep every strategy fast on the 120-person test network.
FAST = {
    "score": {"score_columns": {"community": 1.0}},
    "celf": {"mc": 40, "p": 0.05},
    "ris": {"epsilon": 0.5, "p": 0.05},
    "betweenness": {"k_samples": 30},
}


def _params(strategy: str, size: int = 6, **extra) -> dict:
    fp = {"strategy": strategy, "size": size, **FAST.get(strategy, {}), **extra}
    return {"first_pin": fp, "people": {"interest": "community"}}


def test_scenario_strategies_are_the_strategies_module_plus_interest():
    assert set(FIRST_PIN_STRATEGIES) == set(STRATEGIES) | {"interest"}
    assert set(seeding.STRATEGY_OPTIONS) == set(FIRST_PIN_STRATEGIES)
    # every option the model passes on is one the strategy takes
    for name, keys in seeding.STRATEGY_OPTIONS.items():
        strategy = STRATEGIES["enthusiasm" if name == "interest" else name]
        assert set(keys.values()) <= set(strategy.options), name


@pytest.mark.parametrize("strategy", FIRST_PIN_STRATEGIES)
def test_every_strategy_runs_in_the_model(small_net, strategy):
    run = simulate_wom(
        small_net, _params(strategy), replicates=2, steps=3, seed=4, people_of=[0, 1]
    )
    assert (run.summary["adopted_by_first_pin"] == 6).all()
    pins = run.people[run.people["channel"] == "first_pin"]
    assert pins.groupby("replicate").size().tolist() == [6, 6]
    assert (pins["member"] == "member").all() and (pins["depth"] == 0).all()


@pytest.mark.parametrize(
    "strategy",
    ["degree", "influencer", "pagerank", "betweenness", "k_core", "closeness", "score",
     "degree_discount", "celf", "ris"],
)  # fmt: skip
def test_run_level_strategies_pin_what_sim_strategies_picks(small_net, strategy):
    params = parse_params(_params(strategy, plan_seed=9))
    prep = prepare(small_net, params, replicates=3, seed=1)
    options = seeding.first_pin_options(params)
    if strategy == "score":
        options["table"] = pd.DataFrame(
            {"community": small_net.node_attrs["community"]}, index=small_net.labels.tolist()
        )
    expected = first_pin_ids(strategy, small_net, 6, seed=9, **options)
    for row in prep.pins:  # the same pin, in the same order, in every replicate
        assert row.tolist() == expected.tolist()


def test_per_replicate_strategies_read_the_drawn_people(small_net):
    prep = prepare(small_net, _params("enthusiasm"), replicates=3, seed=2)
    for r in range(3):
        heat = prep.pf[r, K.PF_ENTH]
        assert set(prep.pins[r]) == set(np.argsort(-heat, kind="stable")[:6])
    assert len({tuple(row) for row in prep.pins}) == 3  # each replicate its own hottest
    # interest_cohesive: one interest group, tied together, hottest member first
    prep = prepare(small_net, _params("interest_cohesive", interest=2), replicates=2, seed=2)
    s = prep.structure
    for r in range(2):
        pin = prep.pins[r]
        assert (s.interest[pin] == 2).all()
        members = np.flatnonzero(s.interest == 2)
        assert pin[0] == members[np.argmax(prep.pf[r, K.PF_ENTH, members])]
        g = nx.Graph()
        g.add_nodes_from(pin.tolist())
        for u in pin.tolist():
            g.add_edges_from((u, v) for v in small_net.neighbors(u).tolist() if v in set(pin))
        assert nx.is_connected(g)
    # interest (the model's own name): the hottest of the largest group, unchanged
    prep = prepare(small_net, _params("interest"), replicates=1, seed=2)
    heat = prep.pf[0, K.PF_ENTH, :40]  # group 0: nodes 0..39, the first of equal sizes
    assert prep.pins[0].tolist() == np.argsort(-heat, kind="stable")[:6].tolist()


def test_score_reads_person_table_columns_and_a_text_stage(tmp_path):
    net = from_networkx(nx.karate_club_graph())
    rows = ["node,logins,posts,lifecycle_stage"]
    for i in range(34):
        rows.append(f"{i},{(7 * i) % 23},{i % 5},{'active' if i % 3 else 'new'}")
    path = tmp_path / "people.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    fp = {"strategy": "score", "size": 4, "score_columns": {"logins": 1.0, "posts": 2.0}}
    prep = prepare(net, {"people": {"table": str(path)}, "first_pin": fp}, seed=1)
    score = np.array([(7 * i) % 23 + 2 * (i % 5) for i in range(34)], dtype=float)
    best = sorted(range(34), key=lambda i: (-score[i], i))[:4]
    assert prep.pins[0].tolist() == best
    fp["stage"] = "active"  # read as text, only for the score strategy's stage column
    prep = prepare(net, {"people": {"table": str(path)}, "first_pin": fp}, seed=1)
    best = sorted((i for i in range(34) if i % 3), key=lambda i: (-score[i], i))[:4]
    assert prep.pins[0].tolist() == best


def test_run_level_pins_are_computed_once_per_run(small_net, monkeypatch):
    calls = []
    real = seeding.first_pin_ids

    def counting(strategy, *args, **kwargs):
        calls.append(strategy)
        return real(strategy, *args, **kwargs)

    monkeypatch.setattr(seeding, "first_pin_ids", counting)
    simulate_wom(small_net, _params("ris"), replicates=6, steps=1, seed=1)
    assert calls == ["ris"]
    calls.clear()
    simulate_wom(small_net, _params("random"), replicates=6, steps=1, seed=1)
    assert calls == ["random"] * 7  # one check, then one per replicate


def test_common_random_numbers_whatever_the_first_pin(small_net):
    """Every strategy draws one integer from replicate r's generator, so what is drawn
    after the pin (random paid influencers) is the same in every arm."""
    influencers = {}
    for strategy in ("random", "degree", "enthusiasm", "celf"):
        params = _params(strategy)
        params["influencer"] = {"enabled": True, "count": 5, "pick": "random"}
        influencers[strategy] = prepare(small_net, params, replicates=4, seed=3).influencers
    off = {"community": {"enabled": False}, "influencer": params["influencer"]}
    influencers["no community"] = prepare(small_net, off, replicates=4, seed=3).influencers
    first = influencers["random"]
    assert len({tuple(row) for row in first}) == 4
    for got in influencers.values():
        np.testing.assert_array_equal(got, first)


@pytest.mark.parametrize("strategy", ["random", "interest_cohesive", "ris"])
def test_mesa_model_follows_replicate_0_with_any_strategy(small_net, strategy):
    params = _params(strategy)
    model = WordOfMouthModel(small_net, params, seed=8, agents=False)
    for _ in range(6):
        model.step()
    run = simulate_wom(small_net, params, replicates=2, steps=6, seed=8)
    fast = run.timeseries[run.timeseries.replicate == 0].reset_index(drop=True)
    pd.testing.assert_frame_equal(model.timeseries, fast)


# ---------------------------------------------------------------------- errors
def _key(exc) -> str:
    return exc.value.key


@pytest.mark.parametrize(
    ("first_pin", "key", "words"),
    [
        ({"strategy": "loudest"}, "first_pin.strategy", "interest_cohesive"),
        ({"strategy": "score"}, "first_pin.score_columns", "needs the columns"),
        ({"score_columns": {}}, "first_pin.score_columns", "at least one column"),
        ({"score_columns": {"a": "x"}}, "first_pin.score_columns.a", "finite number"),
        ({"score_columns": [1]}, "first_pin.score_columns", "must be strings"),
        ({"score_columns": "a"}, "first_pin.score_columns", "a list of column names"),
        ({"pick": "max"}, "first_pin.pick", "total"),
        ({"stage_column": 3}, "first_pin.stage_column", "string"),
        ({"standardize": "yes"}, "first_pin.standardize", "bool"),
        ({"alpha": 1.0}, "first_pin.alpha", "< 1"),
        ({"k_samples": 0}, "first_pin.k_samples", ">= 1"),
        ({"p": 1.5}, "first_pin.p", "<= 1"),
        ({"mc": 0}, "first_pin.mc", ">= 1"),
        ({"epsilon": 1.0}, "first_pin.epsilon", "< 1"),
        ({"ell": 0}, "first_pin.ell", "> 0"),
        ({"theta": 0}, "first_pin.theta", ">= 1"),
        ({"plan_seed": -1}, "first_pin.plan_seed", ">= 0"),
    ],
)
def test_bad_first_pin_keys_name_the_key(first_pin, key, words):
    with pytest.raises(ValidationError) as exc:
        parse_params({"first_pin": first_pin})
    assert _key(exc) == key and words in exc.value.message


@pytest.mark.parametrize(
    ("first_pin", "key", "words"),
    [
        ({"strategy": "ris", "size": 121}, "first_pin.size", "the network has 120 nodes"),
        ({"strategy": "interest_cohesive", "size": 41}, "first_pin.size", "largest interest"),
        ({"strategy": "interest_cohesive", "interest": 7}, "first_pin.interest", "communities"),
        ({"strategy": "enthusiasm", "interest": "x"}, "first_pin.interest", "no interest"),
        ({"strategy": "score", "score_columns": ["logins"]}, "first_pin.score_columns",
         "no column 'logins' in the person table (columns: block, community)"),
        ({"strategy": "score", "score_columns": ["community"], "stage": "active"},
         "first_pin.stage_column", "no stage column 'lifecycle_stage'"),
    ],
)  # fmt: skip
def test_bad_first_pins_found_with_the_network(small_net, first_pin, key, words):
    with pytest.raises(ValidationError) as exc:
        simulate_wom(small_net, {"first_pin": first_pin}, steps=1, seed=1)
    assert _key(exc) == key and words in exc.value.message


def test_strategies_needing_an_interest_axis_say_so(small_net):
    for strategy in ("interest", "interest_cohesive"):
        params = {"first_pin": {"strategy": strategy}, "people": {"interest": "none"}}
        with pytest.raises(ValidationError) as exc:
            simulate_wom(small_net, params, steps=1, seed=1)
        assert _key(exc) == "first_pin.strategy" and "needs an interest axis" in str(exc.value)


def test_scenario_errors_point_at_the_line(tmp_path):
    text = (
        'name = "x"\nseed = 1\nreplicates = 2\nsteps = 4\n\n[network]\ndataset = "karate"\n\n'
        '[model]\nname = "wom"\n\n[first_pin]\nstrategy = "score"\nsize = 4\n'
        'score_columns = { logins = 1.0 }\n'
    )  # fmt: skip
    path = tmp_path / "x.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError) as exc:
        sim.run(sim.load_scenario(path))
    assert str(exc.value).startswith(f"{path}:15:17: first_pin.score_columns: no column 'logins'")
    path.write_text(text.replace('"score"', '"celf"').replace("size = 4", "size = 40"))
    assert main(["validate", str(path)]) == 0  # k > n is found when the network is built
    assert main(["run", str(path), "--out", str(tmp_path / "o")]) == 2
    path.write_text(text.replace('"score"', '"hubs"'))
    assert main(["validate", str(path)]) == 2


def test_structure_caches_run_level_pins(small_net):
    params = parse_params(_params("degree"))
    s = build_structure(small_net, params)
    seeding.check_seeding(small_net, s, params)
    assert len(s.first_pins) == 1
    seeding.check_seeding(small_net, s, params.with_updates({"first_pin.size": 4}))
    assert len(s.first_pins) == 2
