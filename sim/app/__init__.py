"""The strategists' dashboard, ``wom app``: watch the spread and move the levers.

A Mesa SolaraViz page served on this machine for one scenario of the marketing model
(``model.name = "wom"``): the network coloured by funnel stage (first pin and paid
influencers marked, interest groups shaded), live charts (customers by channel,
community members and heat, newcomer share with its 40-60% band, spend and cost per
customer), the levers (first-pin strategy and size, membership cap, fee, budgets,
seed) and Step, Play, Reset; two arms side by side with the same seed. How to use
it: ``docs/dashboard.md``.

Modules, one idea each: :mod:`~sim.app.network_view` (what is drawn where, with the
layout of :mod:`sim.plot.layout`, and the drawing),
:mod:`~sim.app.charts` (the live charts), :mod:`~sim.app.levers` (controls to
scenario overrides), :mod:`~sim.app.source` (the scenario served),
:mod:`~sim.app.model` (the Mesa model stepping the arms), :mod:`~sim.app.page`
(the solara page), :mod:`~sim.app.assets` (the page's front end, offline),
:mod:`~sim.app.server` (``wom app``).

Solara is imported only by :mod:`sim.app.page`, :mod:`sim.app.server` and
:mod:`sim.app.assets`, so the rest (drawing, charts, the model) works in a script or
a notebook without a server.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

__all__ = ["serve"]


def serve(
    scenario: str | os.PathLike,
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    arms: str | Sequence[str] | None = None,
    announce: Callable[[str], None] = print,
) -> None:
    """Serve the dashboard of a ``wom`` scenario until interrupted (``wom app``).

    Validates the scenario first (nothing is served for a bad one), lays the
    network out once, then serves the page at ``http://HOST:PORT`` until Ctrl-C.
    Solara is imported only here, not when :mod:`sim.app` is imported.

    Args:
        scenario: The scenario file (``model.name = "wom"``).
        host: Address to listen on (default: this machine only).
        port: Port (0: any free port; the address announced says which).
        arms: The arm(s) shown first, ``"A"`` or ``"A,B"`` (side by side, same seed).
        announce: Where progress and the address are printed.

    Raises:
        ValidationError: A bad scenario, a model other than ``wom``, an unknown arm,
            host or port (``wom app`` exits 2).
        SimError: The port is taken, or the server fails (exit 1).

    Examples:
        >>> from sim.app import serve
        >>> serve("scenarios/classic/ic_barabasi_albert.toml")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        sim.errors.ValidationError: model.name: the dashboard shows the marketing model; ...
    """
    from sim.app.server import serve as _serve

    _serve(scenario, host=host, port=port, arms=arms, announce=announce)
