"""Parameter sweeps and their analysis: the public names.

* :func:`sweep` runs (or resumes) a sweep into a folder; :func:`load_sweep` reads it
  back as one tidy frame, :func:`load_failures` lists the runs that raised;
  :func:`plan_sweep` resolves a sweep without running it;
* :func:`analyze` computes Sobol, Morris or marginal sensitivity indices and
  :func:`write_sweep_report` writes the HTML report of a sweep folder;
* :func:`make_design` and :class:`Parameter` build designs on their own.

See ``docs/sweeps.md``.

Examples:
    >>> from sim.sweeps import Parameter, make_design
    >>> len(make_design([Parameter("model.p", low=0.0, high=1.0)], "lhs", samples=8).points)
    8
"""

from sim.experiments.analyze import SweepAnalysis, analyze
from sim.experiments.designs import DESIGNS, Parameter, make_design
from sim.experiments.sweep import SweepSummary, load_failures, load_sweep, plan_sweep, sweep

__all__ = [
    "DESIGNS",
    "Parameter",
    "SweepAnalysis",
    "SweepSummary",
    "analyze",
    "load_failures",
    "load_sweep",
    "make_design",
    "plan_sweep",
    "sweep",
    "write_sweep_report",  # noqa: F822 - imported on first use (__getattr__)
]


def __getattr__(name: str):
    # The report pulls in matplotlib: imported on first use, not with ``import sim``.
    if name == "write_sweep_report":
        from sim.experiments.sweep_report import write_sweep_report

        return write_sweep_report
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
