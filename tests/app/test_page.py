"""The dashboard page without a browser: render it with solara, press its buttons."""

from __future__ import annotations

from collections import OrderedDict

import ipyvue
import ipyvuetify as v
import ipywidgets as widgets
import numpy as np
import pandas as pd
import pytest
import solara

import sim.app.network_view as network_view
from sim.app import page
from sim.app.page import ENV_ARMS, ENV_SCENARIO, Page, summary_lines

FLAGSHIP = "scenarios/sell_to_vs_sell_through.toml"


def _render(monkeypatch, scenario, arms=None):
    monkeypatch.setenv(ENV_SCENARIO, scenario)
    if arms is None:
        monkeypatch.delenv(ENV_ARMS, raising=False)
    else:
        monkeypatch.setenv(ENV_ARMS, arms)
    _, rc = solara.render(solara.AppLayout(children=[Page()]), handle_error=False)
    return rc


def _button(rc, label):
    return rc.find(v.Btn, children=[label]).widget


def _images(rc) -> list[bytes]:
    return [bytes(w.value) for w in rc.find(widgets.Image).widgets]


def test_step_updates_every_chart_and_the_network(monkeypatch):
    rc = _render(monkeypatch, FLAGSHIP, "vendor direct,community")
    before = {name: summary_lines(rc, name) for name in ("adopters", "community", "spend")}
    assert before["adopters"] == [
        "vendor direct: 0 customers",
        "community: 20 customers (first pin 20)",
    ]
    images = _images(rc)
    assert len(images) == 5  # the network and four charts
    for _ in range(5):
        _button(rc, "Step").click()
    after = {name: summary_lines(rc, name) for name in before}
    for name in before:
        assert after[name] != before[name], name
    assert after["adopters"][1].startswith("community: ")
    assert int(after["adopters"][1].split()[1]) > 20
    assert all(a != b for a, b in zip(_images(rc), images, strict=True))
    headline = [w.children[0] for w in rc.find(ipyvue.Html, class_="wom-headline").widgets]
    assert headline[1].startswith("community — week 5 of 52")


def test_a_lever_applies_on_reset_and_a_bad_one_is_explained(monkeypatch):
    rc = _render(monkeypatch, FLAGSHIP, "community")
    size = rc.find(v.Slider, label="First-pin size (people)").widget
    size.v_model = 7
    assert summary_lines(rc, "adopters") == ["community: 20 customers (first pin 20)"]
    _button(rc, "Reset").click()
    assert summary_lines(rc, "adopters") == ["community: 7 customers (first pin 7)"]
    cap = rc.find(v.TextField, label="Membership cap (blank: none)").widget
    cap.v_model = "5"
    cap.fire_event("keyup.enter")  # a text box passes its value on when Enter is pressed
    _button(rc, "Reset").click()
    problem = rc.find(v.Alert).widget.children[0]
    assert problem.startswith("Membership cap (blank: none): must be >= first_pin.size (7), got 5")
    assert summary_lines(rc, "adopters") == []
    cap.v_model = "50"
    cap.fire_event("focusout")
    _button(rc, "Reset").click()
    assert summary_lines(rc, "adopters") == ["community: 7 customers (first pin 7)"]


def test_a_5000_person_network_steps_side_by_side(monkeypatch, tmp_path):
    """ca-GrQc (5,242 people), two arms: Step updates both (speed: benchmarks/bench_app.py)."""

    # The layout is computed once per network and is not what is tested here.
    def no_layout(net, max_nodes, seed=0, **_):
        xy = np.random.default_rng(seed).random((net.num_nodes, 2))
        return pd.DataFrame({"id": np.arange(net.num_nodes), "x": xy[:, 0], "y": xy[:, 1]})

    monkeypatch.setattr(network_view, "network_layout", no_layout)
    monkeypatch.setattr(network_view, "_CACHE", OrderedDict())  # keep these views to this test
    scenario = tmp_path / "grqc.toml"
    scenario.write_text(
        'name = "grqc"\nseed = 1\nsteps = 52\n[network]\ndataset = "ca-grqc"\n'
        '[model]\nname = "wom"\n[[arms]]\nname = "vendor"\nvendor.enabled = true\n'
        '[[arms]]\nname = "influencers"\ninfluencer.enabled = true\n'
    )
    page._SOURCES.clear()
    rc = _render(monkeypatch, str(scenario), "vendor,influencers")
    images = _images(rc)
    for _ in range(3):
        _button(rc, "Step").click()
    lines = summary_lines(rc, "adopters")
    assert [line.split(":")[0] for line in lines] == ["vendor", "influencers"]
    after = _images(rc)
    assert after[0] != images[0] and after[1] != images[1]  # the network, customers by channel
    headline = [w.children[0] for w in rc.find(ipyvue.Html, class_="wom-headline").widgets]
    assert all("week 3 of 52" in h for h in headline), headline


@pytest.fixture(autouse=True)
def _forget_sources():
    yield
    page._SOURCES.clear()
