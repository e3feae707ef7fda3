"""Contagion: numba kernels for the classic diffusion models, run as replicates.

Every model takes a :class:`~sim.network.Network` (or any networkx graph), seed nodes
(labels, or an int k for k random seeds per replicate), ``replicates``, ``steps`` and
one master ``seed``, and returns :class:`Cascades` with tidy ``timeseries`` and
``summary`` frames. :func:`simulate` runs any of them by name.
"""

from sim.contagion._common import Cascades
from sim.contagion.bass import bass, bass_closed_form, bass_discrete, bass_mean_field
from sim.contagion.cascade import independent_cascade, si, sir
from sim.contagion.runner import MODELS, simulate
from sim.contagion.threshold import linear_threshold, threshold

__all__ = [
    "Cascades",
    "MODELS",
    "simulate",
    "independent_cascade",
    "si",
    "sir",
    "linear_threshold",
    "threshold",
    "bass",
    "bass_mean_field",
    "bass_closed_form",
    "bass_discrete",
]
