"""Scenarios: the TOML files strategists edit, as validated, resolved data.

Pure data, no simulation: :mod:`~sim.scenario.schema` (one pydantic model per
section), :mod:`~sim.scenario.load` (TOML, ``--set`` overrides, errors with
``file:line:col: key: message``), :mod:`~sim.scenario.positions` (where each key is
written), :mod:`~sim.scenario.reference` (the key reference in ``docs/scenarios.md``).

Examples:
    >>> from sim.scenario import load_scenario
    >>> sc = load_scenario({"name": "demo", "network": {"generator": "complete", "n": 10},
    ...     "model": {"name": "ic", "p": 0.1}, "seeding": {"k": 1},
    ...     "arms": [{"name": "low"}, {"name": "high", "model": {"p": 0.5}}]})
    >>> [(name, arm.model.p) for name, arm in sc.arm_scenarios()]
    [('low', 0.1), ('high', 0.5)]
"""

from sim.scenario.load import (
    OVERRIDE_FILE,
    ScenarioError,
    load_scenario,
    loads_scenario,
    parse_overrides,
)
from sim.scenario.schema import (
    DATASETS,
    GENERATOR_TYPES,
    MODEL_TYPES,
    SEEDING_STRATEGIES,
    SWEEP_DESIGNS,
    WOM_SECTIONS,
    Arm,
    DatasetNetwork,
    FileNetwork,
    GeneratorSpec,
    ModelSpec,
    NetworkSpec,
    Outputs,
    Scenario,
    Seeding,
    Sweep,
    WomModel,
    merge_arm,
    register_seeding_strategy,
)

__all__ = [
    "DATASETS",
    "GENERATOR_TYPES",
    "MODEL_TYPES",
    "OVERRIDE_FILE",
    "SEEDING_STRATEGIES",
    "SWEEP_DESIGNS",
    "WOM_SECTIONS",
    "Arm",
    "DatasetNetwork",
    "FileNetwork",
    "GeneratorSpec",
    "ModelSpec",
    "NetworkSpec",
    "Outputs",
    "Scenario",
    "ScenarioError",
    "Seeding",
    "Sweep",
    "WomModel",
    "load_scenario",
    "loads_scenario",
    "merge_arm",
    "parse_overrides",
    "register_seeding_strategy",
]
