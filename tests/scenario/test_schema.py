"""The schema: defaults, ranges, cross-field rules, arms merging, registries, docs."""

from __future__ import annotations

import typing

import pytest

from sim.errors import ValidationError
from sim.model.params import Distribution
from sim.scenario import (
    DATASETS,
    GENERATOR_TYPES,
    MODEL_TYPES,
    SEEDING_STRATEGIES,
    Arm,
    Scenario,
    load_scenario,
    merge_arm,
    register_seeding_strategy,
)
from sim.scenario import schema as schema_mod
from sim.scenario.reference import BEGIN, END, reference_markdown

from .conftest import ROOT

IC = {"name": "ic", "p": 0.1}
KARATE = {"dataset": "karate"}


def scenario(**parts) -> dict:
    base = {"name": "t", "network": dict(KARATE), "model": dict(IC), "seeding": {"k": 2}}
    base.update(parts)
    return {k: v for k, v in base.items() if v is not None}


def error(data: dict) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        load_scenario(data)
    return info.value


def message(data: dict) -> str:
    return str(error(data))


# --------------------------------------------------------------------------- defaults
def test_defaults_are_filled_in():
    sc = load_scenario(scenario(network={"generator": "erdos_renyi", "n": 50, "p": 0.1}, seed=9))
    assert (sc.description, sc.seed, sc.replicates, sc.steps) == ("", 9, 20, None)
    assert sc.network.seed == 9  # the network seed defaults to the scenario seed
    assert sc.seeding.strategy == "random"
    assert sc.outputs.model_dump() == {
        "timeseries": True, "report": True, "band": 0.9, "people": True
    }  # fmt: skip
    assert sc.arms == [] and sc.source_path is None
    assert sc.to_dict()["network"] == {"generator": "erdos_renyi", "seed": 9, "n": 50, "p": 0.1}


def test_own_network_seed_is_kept():
    sc = load_scenario(scenario(network={"generator": "complete", "n": 5, "seed": 3}))
    assert sc.network.seed == 3


def test_bass_without_seeding_gets_no_seeds_and_mean_field_gets_neither():
    sc = load_scenario(scenario(model={"name": "bass", "p": 0.01, "q": 0.3}, seeding=None, steps=5))
    assert sc.seeding.k == 0 and sc.seeding.size == 0
    bmf = {"name": "bass_mean_field", "p": 0.03, "q": 0.38, "n": 100}
    sc = load_scenario(scenario(model=bmf, network=None, seeding=None, steps=5))
    assert sc.network is None and sc.seeding is None
    assert (sc.model.dt, sc.model.initial) == (1.0, 0)


def test_names_are_case_insensitive_and_canonical():
    sc = load_scenario(
        scenario(
            network={"generator": "Barabasi-Albert", "n": 10, "m": 2},
            model={"name": "IC", "p": 0.1},
            seeding={"k": 1, "strategy": "Degree"},
        )
    )
    assert (sc.network.generator, sc.model.name, sc.seeding.strategy) == (
        "barabasi_albert",
        "ic",
        "degree",
    )
    sc = load_scenario(scenario(network={"dataset": "Email_EU_Core"}))
    assert sc.network.dataset == "email-eu-core"


def test_strict_types():
    assert "must be an integer, got 2.0" in message(scenario(replicates=2.0))
    assert "must be an integer, got '3'" in message(scenario(seed="3"))
    assert "must be an integer, got true" in message(scenario(seed=True))
    sc = load_scenario(scenario(model={"name": "ic", "p": 1}))  # int where a number is due
    assert sc.model.p == 1.0 and isinstance(sc.model.p, float)
    assert "must be a finite number, got nan" in message(
        scenario(model={"name": "si", "beta": float("nan")})
    )


def test_ic_p_may_name_an_edge_attribute():
    assert load_scenario(scenario(model={"name": "ic", "p": "weight"})).model.p == "weight"
    assert message(scenario(model={"name": "ic", "p": ""})) == "model.p: must not be empty"
    assert message(scenario(model={"name": "ic", "p": [0.1]})) == (
        "model.p: must be a number or a string, got [0.1]"
    )


def test_scenario_name_characters():
    assert message(scenario(name="a b")) == (
        "name: must be letters, digits, '_', '.' or '-' only, got 'a b'"
    )
    assert load_scenario(scenario(name="A-1_b.c")).name == "A-1_b.c"


# --------------------------------------------------------------------------- networks
@pytest.mark.parametrize(
    ("network", "expected"),
    [
        ({"generator": "complete", "n": 0}, "network.n: must be >= 1, got 0"),
        (
            {"generator": "erdos_renyi", "n": 10},
            "network.p: required key missing (give p or mean_degree)",
        ),
        (
            {"generator": "erdos_renyi", "n": 10, "p": 0.1, "mean_degree": 2},
            "network.mean_degree: cannot be given together with network.p (choose one)",
        ),
        (
            {"generator": "erdos_renyi", "n": 10, "mean_degree": -3},
            "network.mean_degree: must be > 0, got -3",
        ),
        (
            {"generator": "erdos_renyi", "n": 10, "mean_degree": 12},
            "network.mean_degree: must be <= n - 1 (9), got 12.0",
        ),
        ({"generator": "barabasi_albert", "n": 10, "m": 10}, "network.m: must be < n (10), got 10"),
        ({"generator": "barabasi_albert", "n": 10, "m": 0}, "network.m: must be >= 1, got 0"),
        (
            {"generator": "watts_strogatz", "n": 10, "k": 3, "p": 0.1},
            "network.k: must be even (k/2 neighbours on each side), got 3",
        ),
        (
            {"generator": "watts_strogatz", "n": 10, "k": 4, "p": 1.1},
            "network.p: must be in [0, 1], got 1.1",
        ),
        (
            {"generator": "random_regular", "n": 5, "d": 3},
            "network.d: n * d must be even, got n = 5, d = 3",
        ),
        ({"generator": "random_regular", "n": 5, "d": 5}, "network.d: must be < n (5), got 5"),
        ({"generator": "ring_lattice", "n": 4, "k": 4}, "network.k: must be < n (4), got 4"),
        (
            {"generator": "planted_partition", "groups": 2, "group_size": 5, "p_in": 0.5},
            "network.p_out: required key missing",
        ),
        (
            {"generator": "stochastic_block", "sizes": [5, 5], "p": [[0.5, 0.1]]},
            "network.p: must have 2 rows (one per block), got 1",
        ),
        (
            {"generator": "stochastic_block", "sizes": [5, 5], "p": [[0.5, 0.1], [0.1]]},
            "network.p[1]: must have 2 entries (one per block), got 1",
        ),
        (
            {"generator": "stochastic_block", "sizes": [5, 5], "p": [[0.5, 0.1], [0.2, 0.5]]},
            "network.p[1][0]: must be symmetric: p[1][0] = 0.2 but p[0][1] = 0.1",
        ),
        (
            {"generator": "stochastic_block", "sizes": [5, 0], "p": [[0.5, 0.1], [0.1, 0.5]]},
            "network.sizes[1]: must be >= 1, got 0",
        ),
        (
            {"generator": "stochastic_block", "sizes": [], "p": []},
            "network.sizes: must have at least 1 item, got []",
        ),
        (
            {
                "generator": "lfr",
                "n": 100,
                "tau1": 1.0,
                "tau2": 1.5,
                "mu": 0.1,
                "average_degree": 5,
            },
            "network.tau1: must be > 1, got 1.0",
        ),
        (
            {"generator": "lfr", "n": 100, "tau1": 3, "tau2": 1.5, "mu": 0.1},
            "network.average_degree: required key missing (give average_degree or min_degree)",
        ),
        (
            {
                "generator": "lfr",
                "n": 100,
                "tau1": 3,
                "tau2": 1.5,
                "mu": 0.1,
                "min_degree": 2,
                "max_degree": 100,
            },
            "network.max_degree: must be < n (100), got 100",
        ),
        (
            {
                "generator": "lfr",
                "n": 100,
                "tau1": 3,
                "tau2": 1.5,
                "mu": 0.1,
                "min_degree": 2,
                "min_community": 30,
                "max_community": 20,
            },
            "network.max_community: must be in [30, 100] (min_community..n), got 20",
        ),
        (
            {"generator": "powerlaw_cluster", "n": 10, "m": 2, "p": -0.1},
            "network.p: must be in [0, 1], got -0.1",
        ),
        ({"generator": "complete", "n": 5, "seed": -1}, "network.seed: must be >= 0, got -1"),
        (
            {"generator": "complete", "n": 5, "m": 2},
            "network.m: unknown key 'm' (allowed: generator, seed, n)",
        ),
        (
            {"generator": "smallworld", "n": 5},
            "network.generator: must be one of complete, erdos_renyi, barabasi_albert, "
            "watts_strogatz, random_regular, ring_lattice, planted_partition, stochastic_block, "
            "lfr, powerlaw_cluster; got 'smallworld'",
        ),
        (
            {"generator": 3},
            "network.generator: must be one of complete, erdos_renyi, barabasi_albert, "
            "watts_strogatz, random_regular, ring_lattice, planted_partition, stochastic_block, "
            "lfr, powerlaw_cluster; got 3",
        ),
        (
            {"dataset": "karat"},
            "network.dataset: must be one of email-eu-core, facebook, ca-grqc, football, "
            "polbooks, karate; got 'karat'",
        ),
        ({"dataset": "karate", "n": 3}, "network.n: unknown key 'n' (allowed: dataset, directed)"),
        (
            {"dataset": "karate", "generator": "complete", "n": 3},
            "network.dataset: cannot be given together with network.generator (choose one)",
        ),
        ({"n": 3}, "network: required key missing (give one of generator, dataset, file)"),
        (
            {"file": "g.dat"},
            "network.file: cannot tell the format from the file name 'g.dat' (known: .txt .csv "
            ".tsv .edges .el .gml .graphml, optionally .gz); set network.format to edgelist, gml "
            "or graphml",
        ),
        (
            {"file": "g.gml", "delimiter": ","},
            "network.delimiter: applies only to edge lists (this file is read as gml)",
        ),
        (
            {"file": "g.txt", "format": "csv"},
            "network.format: must be one of auto, edgelist, gml, graphml; got 'csv'",
        ),
    ],
)
def test_network_rules(network, expected):
    assert message(scenario(network=network)) == expected


def test_valid_networks_of_every_kind():
    nets = [
        {"generator": "complete", "n": 5},
        {"generator": "erdos_renyi", "n": 10, "mean_degree": 9},
        {"generator": "barabasi_albert", "n": 10, "m": 9},
        {"generator": "watts_strogatz", "n": 10, "k": 4, "p": 0.1},
        {"generator": "random_regular", "n": 6, "d": 3},
        {"generator": "ring_lattice", "n": 6, "k": 2},
        {"generator": "planted_partition", "groups": 2, "group_size": 5, "p_in": 0.5, "p_out": 0.1},
        {"generator": "stochastic_block", "sizes": [5, 5], "p": [[0.5, 0.1], [0.1, 0.5]]},
        {"generator": "lfr", "n": 100, "tau1": 3, "tau2": 1.5, "mu": 0.1, "average_degree": 5},
        {"generator": "powerlaw_cluster", "n": 10, "m": 2, "p": 0.5},
        {"dataset": "football", "directed": True},
        {"file": "g.edges.gz", "delimiter": ",", "weighted": True, "directed": True},
        {"file": "g.graphml", "format": "graphml"},
    ]
    assert {n.get("generator") for n in nets} - {None} == set(GENERATOR_TYPES)
    for net in nets:
        sc = Scenario.model_validate(scenario(network=net))
        written = {k: v for k, v in sc.to_dict()["network"].items() if k != "seed"}
        assert written.items() >= net.items()


def test_file_network_path_is_relative_to_the_scenario(tmp_path):
    sc = Scenario.model_validate(scenario(network={"file": "data/g.txt"}))
    assert sc.base_dir.is_absolute() and sc.network_file == sc.base_dir / "data/g.txt"
    assert load_scenario(scenario()).network_file is None


# --------------------------------------------------------------------------- models
@pytest.mark.parametrize(
    ("model", "expected"),
    [
        (
            {"name": "icx"},
            "model.name: must be one of ic, si, sir, lt, threshold, bass, bass_mean_field, wom; "
            "got 'icx'",
        ),
        (
            {"p": 0.1},
            "model.name: required key missing (the model: ic, si, sir, lt, threshold, bass, "
            "bass_mean_field, wom)",
        ),
        ("ic", "model: must be a table, got 'ic'"),
        ({"name": "ic"}, "model.p: required key missing"),
        ({"name": "ic", "p": 0.1, "q": 0.2}, "model.q: unknown key 'q' (allowed: name, p)"),
        ({"name": "si", "beta": -0.5}, "model.beta: must be in [0, 1], got -0.5"),
        (
            {"name": "sir", "beta": 0.5, "gamma": "fast"},
            "model.gamma: must be a number, got 'fast'",
        ),
        ({"name": "lt", "weights": 3}, "model.weights: must be a string, got 3"),
        ({"name": "threshold"}, "model.phi: required key missing (give phi or theta)"),
        (
            {"name": "threshold", "phi": 0.2, "theta": 2},
            "model.theta: cannot be given together with model.phi (choose one)",
        ),
        ({"name": "threshold", "theta": 0}, "model.theta: must be >= 1, got 0"),
    ],
)
def test_model_rules(model, expected):
    assert message(scenario(model=model)) == expected


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ({"p": 0.5, "q": 0.6}, "model.dt: (p + q) * dt must be <= 1, got (0.5 + 0.6) * 1.0 = 1.1"),
        ({"p": 0.1, "q": 0.1, "dt": 0}, "model.dt: must be in (0, 1], got 0"),
        ({"p": 0.1, "q": 0.1, "initial": 101}, "model.initial: must be <= n (100), got 101"),
        ({"p": 0.1, "q": 0.1, "n": 0}, "model.n: must be >= 1, got 0"),
    ],
)
def test_bass_mean_field_rules(model, expected):
    full = {"name": "bass_mean_field", "n": 100, **model}
    assert message(scenario(model=full, network=None, seeding=None, steps=5)) == expected


def test_sections_a_model_needs_or_refuses():
    bmf = {"name": "bass_mean_field", "p": 0.03, "q": 0.38, "n": 100}
    bass = {"name": "bass", "p": 0.03, "q": 0.38}
    assert message(scenario(network=None)) == (
        "network: required key missing (model 'ic' runs on a network: add [network])"
    )
    assert message(scenario(model=bmf, seeding=None, steps=5)) == (
        "network: not used by model 'bass_mean_field' (it has no network): remove it"
    )
    assert message(scenario(model=bmf, network=None, steps=5)) == (
        "seeding: not used by model 'bass_mean_field' (use model.initial): remove it"
    )
    assert message(scenario(model=bass)) == (
        "steps: required key missing (model 'bass' never stops by itself: give a number of steps)"
    )
    assert message(scenario(seeding=None)) == (
        "seeding: required key missing (model 'ic' needs seeds: give seeding.k or seeding.nodes)"
    )
    assert message(scenario(seeding={"k": 0})) == (
        "seeding.k: must have at least one seed for model 'ic' (only the bass models may start "
        "without), got 0"
    )
    assert load_scenario(scenario(model=bass, steps=3, seeding={"nodes": []})).seeding.size == 0


# --------------------------------------------------------------------------- seeding
@pytest.mark.parametrize(
    ("seeding", "expected"),
    [
        (
            {"k": 2, "nodes": [1]},
            "seeding.nodes: cannot be given together with seeding.k (choose one)",
        ),
        (
            {"nodes": [1], "strategy": "degree"},
            "seeding.strategy: applies only with k (nodes are the seeds)",
        ),
        ({}, "seeding.k: required key missing (give k, a number of seeds, or nodes, a list)"),
        (
            {"k": 2, "strategy": "hubs"},
            "seeding.strategy: must be one of random, degree; got 'hubs'",
        ),
        ({"nodes": [1, "a", 1]}, "seeding.nodes[2]: duplicated node 1 (also nodes[0])"),
        ({"nodes": [1, 2.5]}, "seeding.nodes[1]: must be an integer or a string, got 2.5"),
        ({"k": -1}, "seeding.k: must be >= 0, got -1"),
    ],
)
def test_seeding_rules(seeding, expected):
    assert message(scenario(seeding=seeding)) == expected


def test_nodes_may_mix_labels():
    sc = load_scenario(scenario(seeding={"nodes": [1, "1", "alice"]}))
    assert sc.seeding.nodes == [1, "1", "alice"] and sc.seeding.strategy is None


def test_registered_strategy_becomes_valid(monkeypatch):
    monkeypatch.setattr(schema_mod, "SEEDING_STRATEGIES", dict(SEEDING_STRATEGIES))
    data = scenario(seeding={"k": 2, "strategy": "CELF"})
    assert message(data) == "seeding.strategy: must be one of random, degree; got 'CELF'"
    register_seeding_strategy("celf", "greedy influence maximisation")
    assert load_scenario(data).seeding.strategy == "celf"
    assert "celf" not in SEEDING_STRATEGIES  # the test's copy took it, not the real registry
    with pytest.raises(ValueError):
        register_seeding_strategy("Has Space", "x")


# --------------------------------------------------------------------------- outputs
def test_outputs_rules():
    assert message(scenario(outputs={"band": 1.0})) == "outputs.band: must be in (0, 1), got 1.0"
    assert (
        message(scenario(outputs={"report": "yes"}))
        == "outputs.report: must be true or false, got 'yes'"
    )
    assert message(scenario(outputs={"html": True})) == (
        "outputs.html: unknown key 'html' (allowed: timeseries, report, band, people)"
    )


# --------------------------------------------------------------------------- arms
def test_arm_scenarios_merge_and_inherit():
    sc = load_scenario(
        scenario(
            description="base text",
            arms=[
                {"name": "a"},
                {"name": "b", "description": "b text", "steps": 7, "model": {"p": 0.3}},
            ],
        )
    )
    (na, a), (nb, b) = sc.arm_scenarios()
    assert (na, nb) == ("a", "b")
    assert a.model.p == 0.1 and a.description == "base text" and a.steps is None
    assert b.model.p == 0.3 and b.description == "b text" and b.steps == 7
    assert a.arms == [] and b.arms == [] and a.seed == sc.seed and b.network == sc.network


def test_no_arms_gives_base():
    sc = load_scenario(scenario())
    assert sc.arm_scenarios() == [("base", sc)]


def test_merge_replaces_a_section_with_another_model_or_network():
    base = Scenario.model_validate(
        scenario(network={"generator": "barabasi_albert", "n": 50, "m": 2})
    )
    merged = merge_arm(
        base.to_dict(), Arm(name="x", model={"name": "sir", "beta": 0.1, "gamma": 0.1})
    )
    assert merged["model"] == {"name": "sir", "beta": 0.1, "gamma": 0.1}
    merged = merge_arm(base.to_dict(), Arm(name="x", network={"dataset": "karate"}))
    assert merged["network"] == {"dataset": "karate"}
    merged = merge_arm(base.to_dict(), Arm(name="x", network={"generator": "complete", "n": 5}))
    assert merged["network"] == {"generator": "complete", "n": 5}
    merged = merge_arm(base.to_dict(), Arm(name="x", network={"m": 3}))
    assert merged["network"] == {"generator": "barabasi_albert", "seed": 1, "n": 50, "m": 3}


def test_merge_drops_the_other_alternative():
    base = Scenario.model_validate(scenario(model={"name": "threshold", "phi": 0.2}))
    assert merge_arm(base.to_dict(), Arm(name="x", model={"theta": 2}))["model"] == {
        "name": "threshold",
        "theta": 2,
    }
    assert merge_arm(base.to_dict(), Arm(name="x", seeding={"nodes": [1]}))["seeding"] == {
        "nodes": [1]
    }
    nodes = Scenario.model_validate(scenario(seeding={"nodes": [1, 2]}))
    assert merge_arm(nodes.to_dict(), Arm(name="x", seeding={"k": 3}))["seeding"] == {"k": 3}


def test_arm_switching_to_mean_field_drops_network_and_seeding():
    sc = load_scenario(
        scenario(
            model={"name": "bass", "p": 0.03, "q": 0.38},
            steps=10,
            arms=[
                {"name": "mf", "model": {"name": "bass_mean_field", "p": 0.03, "q": 0.38, "n": 34}}
            ],
        )
    )
    ((_, arm),) = sc.arm_scenarios()
    assert arm.network is None and arm.seeding is None and arm.model.n == 34


@pytest.mark.parametrize(
    ("arms", "expected"),
    [
        ([{"name": "a"}, {"name": "a"}], "arms[1].name: duplicated arm name 'a' (also arms[0])"),
        ([{"name": ""}], "arms[0].name: must not be empty"),
        ([{"name": "  "}], "arms[0].name: must not be blank, got '  '"),
        ([{"description": "x"}], "arms[0].name: required key missing"),
        (
            [{"name": "a", "replicates": 3}],
            "arms[0].replicates: cannot be set in an arm: all arms share the base scenario's "
            "seed, replicates and outputs",
        ),
        (
            [{"name": "a", "colour": 3}],
            "arms[0].colour: unknown key 'colour' (allowed: name, description, steps, network, "
            "model, seeding, people, trust, vendor, influencer, word_of_mouth, first_pin, "
            "community, churn, budget)",
        ),
        ([{"name": "a", "model": {"p": 2}}], "arms[0].model.p: must be in [0, 1], got 2"),
        (
            [{"name": "a", "model": {"name": "si"}}],
            "arms[0].model.beta: required key missing (in arm 'a', merged over the base scenario)",
        ),
        ([{"name": "a", "model": 0.2}], "arms[0].model: must be a table, got 0.2"),
        ("x", "arms: must be a list, got 'x'"),
        ([3], "arms[0]: must be a table, got 3"),
    ],
)
def test_arm_rules(arms, expected):
    assert message(scenario(arms=arms)) == expected


def test_arm_scenarios_of_a_scenario_changed_after_validation():
    sc = load_scenario(scenario(arms=[{"name": "a"}, {"name": "b", "model": {"p": 0.2}}]))
    sc.arms[1].model["p"] = 5
    with pytest.raises(ValidationError) as info:
        sc.arm_scenarios()
    assert str(info.value) == "arms[1].model.p: must be in [0, 1], got 5"


# --------------------------------------------------------------------------- registries
def test_registries_match_the_union():
    for name, cls in MODEL_TYPES.items():
        assert typing.get_args(cls.model_fields["name"].annotation) == (name,)
        assert cls.__doc__
    for name, cls in GENERATOR_TYPES.items():
        assert typing.get_args(cls.model_fields["generator"].annotation) == (name,)
    assert set(MODEL_TYPES) == {
        "ic", "si", "sir", "lt", "threshold", "bass", "bass_mean_field", "wom"
    }  # fmt: skip
    assert set(DATASETS) == {
        "email-eu-core",
        "facebook",
        "ca-grqc",
        "football",
        "polbooks",
        "karate",
    }


# --------------------------------------------------------------------------- docs
def _section_classes():
    classes = {
        Scenario,
        Arm,
        schema_mod.Seeding,
        schema_mod.Outputs,
        schema_mod.DatasetNetwork,
        schema_mod.FileNetwork,
        *schema_mod.WOM_SECTIONS.values(),
        Distribution,
    }
    return [*classes, *MODEL_TYPES.values(), *GENERATOR_TYPES.values()]


def test_docs_reference_is_up_to_date():
    doc = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    block = doc[doc.index(BEGIN) + len(BEGIN) : doc.index(END)]
    assert block.strip() == reference_markdown().strip(), (
        "docs/scenarios.md is stale: run python -m sim.scenario.reference --write docs/scenarios.md"
    )


def test_every_schema_field_is_documented():
    doc = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    for cls in _section_classes():
        for name, field in cls.model_fields.items():
            assert f"`{name}`" in doc, f"{cls.__name__}.{name} missing from docs/scenarios.md"
            assert field.description, f"{cls.__name__}.{name} has no description"
    for names in (MODEL_TYPES, GENERATOR_TYPES, DATASETS, SEEDING_STRATEGIES):
        for name in names:
            assert f"`{name}`" in doc or f'"{name}"' in doc, name


def test_scenario_package_imports_no_simulation_code():
    import ast

    heavy = ("numpy", "pandas", "networkx", "numba", "scipy", "sim.network", "sim.contagion",
             "sim.experiments", "sim.model")  # fmt: skip
    # The marketing model's parameter sections are pure data (pydantic and the
    # standard library), embedded in the schema; they must stay that way.
    pure = {"sim.model.params"}
    paths = [*(ROOT / "sim" / "scenario").glob("*.py"), ROOT / "sim" / "model" / "params.py"]
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name in pure or not name.startswith(heavy), f"{path.name} imports {name}"
