"""The dashboard page: Mesa's SolaraViz controls beside the network and four live charts.

:func:`Page` is the solara page ``wom app`` serves (``SOLARA_APP=sim.app.page``). Its
sidebar is Mesa's :func:`~mesa.visualization.SolaraViz`: Reset, Play and Step, the
play speed, and the levers (:mod:`sim.app.levers`) as Mesa ``model_params``, which
rebuild the :class:`~sim.app.model.DashboardModel` when Reset is pressed. The main
area is :func:`Dashboard`: a headline per arm, the network
(:class:`~sim.app.network_view.NetworkFigure`) and the charts
(:mod:`sim.app.charts`), each with a line of the current numbers under it.

The scenario comes from the environment (``WOM_APP_SCENARIO``, and ``WOM_APP_ARMS``
for the arms shown first), which :func:`sim.app.server.serve` sets; it is loaded once
per process (:func:`app_source`).

Examples:
    >>> import solara
    >>> from sim.app.source import AppSource
    >>> src = AppSource.load({"name": "demo", "steps": 8, "model": {"name": "wom"},
    ...     "network": {"dataset": "karate"}, "first_pin": {"size": 3}})
    >>> box, rc = solara.render(Dashboard(DashboardModel(source=src)), handle_error=False)
    >>> summary_lines(rc, "adopters")
    ['base: 3 customers (first pin 3)']
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from sim.app.charts import CHARTS, chart_summary
from sim.app.levers import LEVERS, model_params
from sim.app.model import DashboardModel
from sim.app.network_view import NetworkFigure
from sim.app.source import AppSource, parse_arms
from sim.errors import SimError

__all__ = [
    "ENV_ARMS",
    "ENV_SCENARIO",
    "Dashboard",
    "Page",
    "app_source",
    "remember_source",
    "summary_lines",
]

#: Environment variable naming the scenario file the page shows.
ENV_SCENARIO = "WOM_APP_SCENARIO"
#: Environment variable naming the arm(s) shown first ("A" or "A,B").
ENV_ARMS = "WOM_APP_ARMS"

_SOURCES: dict[tuple[str, tuple[str, ...]], AppSource] = {}
_LOCK = threading.Lock()


def _key(path, arms) -> tuple[str, tuple[str, ...]]:
    return (str(Path(path).resolve()), tuple(parse_arms(arms)))


def remember_source(path, arms, source: AppSource) -> None:
    """Keep a source already loaded (the server's) for the pages of this process."""
    with _LOCK:
        _SOURCES[_key(path, arms)] = source


def app_source() -> AppSource:
    """The scenario named by the environment, loaded once per process.

    Raises:
        SimError: If ``WOM_APP_SCENARIO`` is not set (the page was not started by
            ``wom app``).
    """
    path = os.environ.get(ENV_SCENARIO)
    if not path:
        raise SimError(
            f"no scenario to show: start the dashboard with `wom app SCENARIO.toml` "
            f"(or set {ENV_SCENARIO})"
        )
    arms = os.environ.get(ENV_ARMS) or None
    key = _key(path, arms)
    with _LOCK:
        if key not in _SOURCES:
            _SOURCES[key] = AppSource.load(path, arms)
        return _SOURCES[key]


_CARD_STYLE = {"padding": "6px 12px"}
_SUMMARY_STYLE = {"font-size": "13px", "color": "#444", "display": "block"}


def lever_label(name: str) -> str:
    """A lever's label without its hint in brackets ("Membership cap")."""
    return LEVERS[name].label.split(" (")[0]


class Week:
    """The arms' weekly frames at one week, handed to the cards (compared by identity,
    so each new week re-renders them and nothing else does)."""

    def __init__(self, model: DashboardModel) -> None:
        self.number = model.steps
        self.frames = [(run.name, run.frame()) for run in model.runs]


def _settings(run) -> str:
    """The levers' values an arm actually runs with, in the page's words."""
    p = run.model.params
    pin = (
        f"first pin {p.first_pin.size} by {p.first_pin.strategy}"
        if p.community.enabled
        else "no community"
    )
    cap = "no cap" if p.community.cap is None else f"cap {p.community.cap}"
    budgets = [
        f"{name} {value:,.0f}"
        for name, value in (
            ("total", p.budget.total),
            ("vendor", p.budget.vendor),
            ("influencer", p.budget.influencer),
            ("community", p.budget.community),
        )
        if value is not None
    ]
    money = "budget " + ", ".join(budgets) if budgets else "no budget limit"
    return f"{run.name}: {pin}, {cap}, fee {p.community.fee:g}, {money}"


@solara.component
def Headline(model: DashboardModel, week: Week):  # noqa: N802 - solara components are capitalised
    """Week, seed and the key numbers of each arm shown, and what each arm runs with."""
    with solara.Card(style=_CARD_STYLE, margin=0):
        for run in model.runs:
            m = run.metrics
            per = m["cost_per_adopter"]
            text = (
                f"{run.name} — week {run.model.steps} of {run.horizon}: "
                f"{int(m['cumulative_adopted']):,} customers "
                f"({100 * m['cumulative_adopted'] / run.view.num_nodes:.1f}% of "
                f"{run.view.num_nodes:,}), {int(m['members']):,} members, "
                f"spent {m['spend']:,.0f}" + ("" if per != per else f" ({per:,.1f} per customer)")
            )
            solara.Text(
                text,
                classes=["wom-headline"],
                style={"font-size": "15px", "font-weight": "500", "display": "block"},
            )
        small = {"font-size": "12.5px", "color": "#555", "display": "block"}
        for run in model.runs:
            solara.Text(_settings(run), classes=["wom-settings"], style=small)
        moved = [lever_label(key) for key in model.levers_moved] or ["none"]
        solara.Text(
            f"seed {model.seed} (the same in every arm) · levers moved: {', '.join(moved)} · "
            "a lever takes effect when you press Reset",
            style=small,
        )


@solara.component
def NetworkPanel(model: DashboardModel, week: Week):  # noqa: N802 - solara components are capitalised
    """The network of each arm, recoloured every week."""
    views = [run.view for run in model.runs]
    figure = solara.use_memo(lambda: NetworkFigure(views), [model])

    def draw() -> bytes:
        figure.update([run.model for run in model.runs], [run.name for run in model.runs])
        return figure.png()

    image = solara.use_memo(draw, [model, week.number])
    with solara.Card("Spread through the network", style=_CARD_STYLE, margin=0):
        solara.Image(image, width="100%", classes=["wom-network"])
        solara.Text(
            views[0].caption + "; positions fixed, colours change each week",
            style=_SUMMARY_STYLE,
        )


@solara.component
def ChartCard(model: DashboardModel, name: str, week: Week):  # noqa: N802 - solara components are capitalised
    """One live chart with the current numbers under it."""
    cls = CHARTS[name]
    chart = solara.use_memo(
        lambda: cls(
            [run.name for run in model.runs],
            max(run.horizon for run in model.runs),
            [run.budget for run in model.runs],
        ),
        [model],
    )

    def draw() -> bytes:
        chart.update([frame for _, frame in week.frames])
        return chart.png()

    image = solara.use_memo(draw, [model, week.number])
    with solara.Card(cls.title, style=_CARD_STYLE, margin=0, classes=[f"wom-chart-{name}"]):
        solara.Image(image, width="100%")
        for line in chart_summary(name, week.frames):
            solara.Text(line, classes=[f"wom-summary-{name}"], style=_SUMMARY_STYLE)


@solara.component
def Dashboard(model: DashboardModel):  # noqa: N802 - solara components are capitalised
    """The main area: headline, network and charts, redrawn at every step.

    Only this component listens to Mesa's step counter; it hands each new week to
    the cards, so every step renders each card once.
    """
    update_counter.get()
    week = solara.use_memo(lambda: Week(model), [model, model.steps])
    with solara.Column(style={"padding": "4px 8px", "gap": "10px"}):
        if model.problem is not None:
            solara.Error(
                f"{model.problem} — change this lever and press Reset.",
                classes=["wom-problem"],
            )
            return
        Headline(model, week)
        NetworkPanel(model, week)
        with solara.Columns([1, 1]):
            ChartCard(model, "adopters", week)
            ChartCard(model, "community", week)
        with solara.Columns([1, 1]):
            ChartCard(model, "newcomers", week)
            ChartCard(model, "spend", week)


@solara.component
def Page():  # noqa: N802 - solara components are capitalised
    """The page ``wom app`` serves."""
    source = app_source()

    def controls():
        params = model_params(
            source.arms, source.first, source.second, source.start, source.max_size
        )
        return {"source": source, **params}

    params = solara.use_memo(controls, [])

    def first_model():
        values = {k: v["value"] for k, v in params.items() if isinstance(v, dict)}
        return DashboardModel(source=source, **values)

    initial = solara.use_memo(first_model, [])
    model = solara.use_reactive(initial)
    title = f"wom app — {source.scenario.name}"
    solara.Title(title)
    SolaraViz(model, components=[], model_params=params, name=title, play_interval=150)
    Dashboard(model.value)


def summary_lines(rc, name: str) -> list[str]:
    """The numbers shown under chart ``name`` in a rendered page (tests, notebooks).

    Args:
        rc: The render context of :func:`solara.render`.
        name: A chart name (``"adopters"``, ``"community"``, ...).
    """
    import ipyvue

    return [w.children[0] for w in rc.find(ipyvue.Html, class_=f"wom-summary-{name}").widgets]
