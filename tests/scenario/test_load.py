"""Loading scenario files: shipped scenarios, round trips, errors at exact positions."""

from __future__ import annotations

import tomllib

import pytest

from sim.errors import DataFileError, ValidationError
from sim.scenario import Scenario, ScenarioError, load_scenario, loads_scenario, parse_overrides

from .conftest import BASE, SHIPPED


# --------------------------------------------------------------------------- shipped
def test_scenarios_are_shipped():
    names = {p.name for p in SHIPPED}
    assert {
        "ic_barabasi_albert.toml",
        "bass_mean_field.toml",
        "threshold_karate.toml",
        "sir_email.toml",
    } <= names


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_scenario_loads_and_round_trips(path):
    sc = load_scenario(path)
    assert sc.source_path == path.absolute() and sc.base_dir == path.parent.absolute()
    arms = sc.arm_scenarios()
    assert arms and all(isinstance(a, Scenario) and a.arms == [] for _, a in arms)
    assert loads_scenario(sc.to_toml(), source_path=path) == sc
    again = load_scenario(sc.to_dict())
    assert again.to_dict() == sc.to_dict() and again.source_path is None


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_key_is_commented(path):
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.strip()
        if "=" in stripped and not stripped.startswith("#") and not stripped.startswith("name"):
            assert "#" in line or stripped.startswith("description"), f"{path.name}:{number}"


def test_round_trip_keeps_everything(write, tmp_path):
    text = BASE.replace(
        "[outputs]", '[[arms]]\nname = "with nodes"\nseeding = { nodes = [1, "b"] }\n\n[outputs]'
    )
    text = text.replace("seed = 1", 'seed = 5\ndescription = "tab\\t and \\"quotes\\" 総"')
    sc = load_scenario(write(text))
    resolved = sc.to_toml()
    assert tomllib.loads(resolved)["network"]["seed"] == 5
    again = load_scenario(write(resolved, "resolved.toml"))  # same folder, other name
    assert again.to_dict() == sc.to_dict() and again.base_dir == sc.base_dir
    assert [n for n, _ in sc.arm_scenarios()] == ["high p", "degree seeds", "with nodes"]


def test_source_path_is_not_dumped(write):
    sc = load_scenario(write(BASE))
    assert "source_path" not in sc.to_dict() and "source_path" not in sc.to_toml()


def test_bom_is_accepted(write, tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + BASE.encode())
    assert load_scenario(path).name == "ic_on_ba"


# --------------------------------------------------------------------------- errors
def _swap(old: str, new: str) -> str:
    assert BASE.count(old) == 1, old
    return BASE.replace(old, new)


ERRORS = [
    # unknown keys: top level, in a section, inside an arm
    (
        _swap("steps = 52", "steps = 52\ncolour = 1"),
        "x.toml:5:1: colour: unknown key 'colour' (allowed: name, description, seed, replicates, "
        "steps, network, model, seeding, people, trust, vendor, influencer, word_of_mouth, "
        "first_pin, community, churn, budget, arms, outputs, sweep, targets)",
    ),
    (
        _swap("m = 3", "m = 3\nfoo = 1"),
        "x.toml:10:1: network.foo: unknown key 'foo' (allowed: generator, seed, n, m)",
    ),
    (
        _swap("model.p = 0.1", "model.q = 0.1"),
        "x.toml:21:7: arms[0].model.q: unknown key 'q' (allowed: name, p)",
    ),
    (
        _swap('name = "high p"', 'name = "high p"\nseed = 3'),
        "x.toml:21:1: arms[0].seed: cannot be set in an arm: all arms share the base scenario's "
        "seed, replicates and outputs",
    ),
    # wrong type
    (_swap("n = 2000", 'n = "2000"'), "x.toml:8:5: network.n: must be an integer, got '2000'"),
    (
        _swap("replicates = 20", "replicates = 20.0"),
        "x.toml:3:14: replicates: must be an integer, got 20.0",
    ),
    (_swap("band = 0.9", "band = true"), "x.toml:28:8: outputs.band: must be a number, got true"),
    (
        _swap('[seeding]\nk = 10\nstrategy = "random"', "").replace(
            "steps = 52", "steps = 52\nseeding = 10"
        ),
        "x.toml:5:11: seeding: must be a table, got 10",
    ),
    # out of range
    (_swap("p = 0.05", "p = 1.5"), "x.toml:13:5: model.p: must be in [0, 1], got 1.5"),
    (
        _swap(
            'generator = "barabasi_albert"\nn = 2000\nm = 3',
            'generator = "erdos_renyi"\nn = 2000\nmean_degree = -3',
        ),
        "x.toml:9:15: network.mean_degree: must be > 0, got -3",
    ),
    (_swap("m = 3", "m = 2000"), "x.toml:9:5: network.m: must be < n (2000), got 2000"),
    (
        _swap("model.p = 0.1", "model.p = 2"),
        "x.toml:21:11: arms[0].model.p: must be in [0, 1], got 2",
    ),
    # unknown names, the valid ones listed
    (
        _swap('name = "ic"', 'name = "icx"'),
        "x.toml:12:8: model.name: must be one of ic, si, sir, lt, threshold, bass, "
        "bass_mean_field, wom; got 'icx'",
    ),
    (
        _swap('"barabasi_albert"', '"scale_free"'),
        "x.toml:7:13: network.generator: must be one of complete, erdos_renyi, barabasi_albert, "
        "watts_strogatz, random_regular, ring_lattice, planted_partition, stochastic_block, lfr, "
        "powerlaw_cluster; got 'scale_free'",
    ),
    (
        _swap('generator = "barabasi_albert"\nn = 2000\nm = 3', 'dataset = "karateclub"'),
        "x.toml:7:11: network.dataset: must be one of email-eu-core, facebook, ca-grqc, "
        "football, polbooks, karate; got 'karateclub'",
    ),
    (
        _swap('strategy = "random"', 'strategy = "hubs"'),
        "x.toml:17:12: seeding.strategy: must be one of random, degree; got 'hubs'",
    ),
    (
        _swap('seeding.strategy = "degree"', 'seeding.strategy = "celf"'),
        "x.toml:25:20: arms[1].seeding.strategy: must be one of random, degree; got 'celf'",
    ),
    # duplicated arm names; k and nodes both given
    (
        _swap('"degree seeds"', '"high p"'),
        "x.toml:24:8: arms[1].name: duplicated arm name 'high p' (also arms[0])",
    ),
    (
        _swap("k = 10", "k = 10\nnodes = [1, 2]"),
        "x.toml:17:9: seeding.nodes: cannot be given together with seeding.k (choose one)",
    ),
    # missing keys point at the table (or 1:1 at the top level)
    (
        _swap('name = "ic"\n', ""),
        "x.toml:11:1: model.name: required key missing (the model: ic, si, sir, lt, threshold, "
        "bass, bass_mean_field, wom)",
    ),
    (_swap('name = "ic_on_ba"\n', ""), "x.toml:1:1: name: required key missing"),
    (_swap("m = 3\n", ""), "x.toml:6:1: network.m: required key missing"),
    (
        _swap('generator = "barabasi_albert"\nn = 2000\nm = 3', "n = 5"),
        "x.toml:6:1: network: required key missing (give one of generator, dataset, file)",
    ),
    (
        _swap('name = "ic"\np = 0.05', 'name = "bass"\np = 0.05\nq = 0.3').replace(
            "steps = 52\n", ""
        ),
        "x.toml:1:1: steps: required key missing (model 'bass' never stops by itself: give a "
        "number of steps)",
    ),
    (
        _swap("model.p = 0.1", 'model.name = "sir"'),
        "x.toml:21:1: arms[0].model.beta: required key missing (in arm 'high p', merged over the "
        "base scenario)",
    ),
    (_swap('name = "high p"\n', ""), "x.toml:19:1: arms[0].name: required key missing"),
    # inline tables
    (
        _swap('[model]\nname = "ic"\np = 0.05', "").replace(
            "steps = 52", 'steps = 52\nmodel = { name = "ic", p = -1 }'
        ),
        "x.toml:5:28: model.p: must be in [0, 1], got -1",
    ),
    (
        _swap("model.p = 0.1", "model = { p = 0.2, x = 1 }"),
        "x.toml:21:20: arms[0].model.x: unknown key 'x' (allowed: name, p)",
    ),
    # syntax errors
    (_swap("p = 0.05", "p = "), "x.toml:13:5: TOML syntax error: invalid value"),
    (
        _swap("p = 0.05", "p = 0.05 0.1"),
        "x.toml:13:10: TOML syntax error: expected newline or end of document after a statement",
    ),
    (
        _swap('strategy = "random"', 'strategy = "random'),
        "x.toml:17:19: TOML syntax error: illegal character '\\n'",
    ),
    (_swap("m = 3", "m = 3\nm = 4"), "x.toml:10:6: TOML syntax error: cannot overwrite a value"),
    (BASE + "[x", "x.toml:29:3: TOML syntax error: expected ']' at the end of a table declaration"),
]


@pytest.mark.parametrize(("text", "expected"), ERRORS, ids=[e[1][:60] for e in ERRORS])
def test_error_names_file_line_col_key(error_of, text, expected):
    assert error_of(text) == expected


def test_first_error_in_file_order_and_all_listed(write):
    text = (
        _swap("p = 0.05", "p = 5").replace("n = 2000", "n = -1").replace("band = 0.9", "band = 2")
    )
    path = write(text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    err = info.value
    assert (err.key, err.line, err.col) == ("network.n", 8, 5)
    assert [(e.key, e.line, e.col) for e in err.errors] == [
        ("network.n", 8, 5),
        ("model.p", 13, 5),
        ("outputs.band", 28, 8),
    ]
    assert all(e.file == str(path) for e in err.errors)
    assert isinstance(err, ValidationError) and err.exit_code == 2


def test_loads_scenario_names_string_source():
    with pytest.raises(ScenarioError) as info:
        loads_scenario(_swap("p = 0.05", "p = 5"))
    assert str(info.value) == "<string>:13:5: model.p: must be in [0, 1], got 5"


def test_dict_source_errors_have_no_position_and_dict_is_untouched():
    data = tomllib.loads(BASE)
    data["model"]["p"] = 5
    snapshot = repr(data)
    with pytest.raises(ScenarioError) as info:
        load_scenario(data, overrides=["network.n=100"])
    assert str(info.value) == "model.p: must be in [0, 1], got 5"
    assert (info.value.file, info.value.line) == (None, None)
    assert repr(data) == snapshot


# --------------------------------------------------------------------------- files
def test_unreadable_sources(tmp_path):
    with pytest.raises(DataFileError) as info:
        load_scenario(tmp_path / "nope.toml")
    assert str(info.value) == f"{tmp_path / 'nope.toml'}: scenario file not found"
    with pytest.raises(DataFileError, match="is a folder"):
        load_scenario(tmp_path)
    bad = tmp_path / "latin1.toml"
    bad.write_bytes(b'name = "x"\ndescription = "caf\xe9"\n')
    with pytest.raises(ValidationError) as info:
        load_scenario(bad)
    assert str(info.value) == f"{bad}:2:19: not UTF-8 text"


def test_network_file_is_relative_to_the_scenario(write, tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "g.edges").write_text("1 2\n2 3\n")
    text = _swap('generator = "barabasi_albert"\nn = 2000\nm = 3', 'file = "data/g.edges"')
    sc = load_scenario(write(text))
    assert sc.network.file == "data/g.edges" and sc.network_file == tmp_path / "data" / "g.edges"
    assert 'file = "data/g.edges"' in sc.to_toml()
    assert loads_scenario(sc.to_toml(), source_path=sc.source_path) == sc


def test_missing_network_file_is_reported_where_written(error_of, tmp_path):
    text = _swap('generator = "barabasi_albert"\nn = 2000\nm = 3', 'file = "data/none.txt"')
    assert error_of(text) == (
        f"x.toml:7:8: network.file: file not found: {tmp_path / 'data' / 'none.txt'}"
    )
    text = _swap("model.p = 0.1", 'network = { file = "g.gml" }')
    assert error_of(text) == (
        f"x.toml:21:20: arms[0].network.file: file not found: {tmp_path / 'g.gml'}"
    )


# --------------------------------------------------------------------------- overrides
def test_overrides_apply_before_validation(write):
    path = write(BASE)
    sc = load_scenario(path, overrides=["model.p=0.2", "network.n=500", "seeding.strategy=degree"])
    assert (sc.model.p, sc.network.n, sc.seeding.strategy) == (0.2, 500, "degree")
    arms = dict(sc.arm_scenarios())
    assert arms["high p"].model.p == 0.1  # the arm's own value wins
    assert arms["degree seeds"].model.p == 0.2  # the override reaches arms that do not set it
    sc = load_scenario(path, overrides={"arms[0].model.p": 0.3, "description": "x y"})
    assert dict(sc.arm_scenarios())["high p"].model.p == 0.3 and sc.description == "x y"
    sc = load_scenario(path, overrides=["arms.0.seeding.nodes=[1, 2]"])
    high_p = dict(sc.arm_scenarios())["high p"]
    assert high_p.seeding.nodes == [1, 2] and high_p.seeding.k is None


def test_override_values_are_toml_or_bare_strings():
    assert parse_overrides(
        ["a=1", "b=1.5", "c=true", "d=[1, 'x']", "e=hello world", "f=", 'g="q"']
    ) == [
        (("a",), 1),
        (("b",), 1.5),
        (("c",), True),
        (("d",), [1, "x"]),
        (("e",), "hello world"),
        (("f",), ""),
        (("g",), "q"),
    ]
    assert parse_overrides('x."odd key"=2') == [(("x", "odd key"), 2)]


def test_a_bare_word_for_ic_p_is_an_edge_attribute_name(write):
    sc = load_scenario(write(BASE), overrides=["model.p=trust"])
    assert sc.model.p == "trust"


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (["model.q=0.2"], "--set: model.q: unknown key 'q' (allowed: name, p)"),
        (
            ["colour=red"],
            "--set: colour: unknown key 'colour' (allowed: name, description, seed, replicates, "
            "steps, network, model, seeding, people, trust, vendor, influencer, word_of_mouth, "
            "first_pin, community, churn, budget, arms, outputs, sweep, targets)",
        ),
        (["model.p=7"], "--set: model.p: must be in [0, 1], got 7"),
        (["network.n=many"], "--set: network.n: must be an integer, got 'many'"),
        (
            ["seeding.strategy=hubs"],
            "--set: seeding.strategy: must be one of random, degree; got 'hubs'",
        ),
        (["arms[1].model.p=3"], "--set: arms[1].model.p: must be in [0, 1], got 3"),
        (["arms[5].model.p=3"], "--set: arms[5]: no item 5 in arms (2 item(s), indices from 0)"),
        (["seed.x=1"], "--set: seed.x: cannot set a key inside seed: it is not a table"),
        (["model.p"], "--set: model.p: expected KEY=VALUE (e.g. model.p=0.2)"),
        (
            ["model..p=1"],
            "--set: model..p: not a valid key (dotted keys such as model.p or arms[0].model.p)",
        ),
        (
            ["a\nb=1"],
            "--set: 'a\\nb': not a valid key (dotted keys such as model.p or arms[0].model.p)",
        ),
        ({"replicates": 0}, "--set: replicates: must be >= 1, got 0"),
    ],
)
def test_bad_overrides_read_as_set(error_of, overrides, expected):
    assert error_of(BASE, overrides=overrides) == expected


def test_notebook_values_numpy_scalars_and_tuples_are_accepted():
    np = pytest.importorskip("numpy")
    data = {
        "name": "nb",
        "network": {"generator": "complete", "n": np.int64(10)},
        "model": {"name": "ic", "p": np.float32(0.25)},
        "seeding": {"nodes": (1, 2)},
        "outputs": {"report": np.bool_(False)},
    }
    sc = load_scenario(data, overrides={"seed": np.uint8(4)})
    assert (sc.network.n, sc.model.p, sc.seeding.nodes, sc.outputs.report, sc.seed) == (
        10,
        0.25,
        [1, 2],
        False,
        4,
    )
    assert type(sc.network.n) is int and type(sc.outputs.report) is bool
