"""``best.toml``: the calibrated scenario with the fitted values written in.

When the scenario came from a file without arms, the file itself is edited (with
``tomlkit``): every comment stays, each fitted key gets its new value and a comment
saying it was calibrated and what it was, and ``seed`` and ``replicates`` are those
of the calibration, so ``wom run best.toml`` reproduces the fitted model the report
shows. Otherwise (a dict, a :class:`~sim.scenario.Scenario`, or one arm of a
scenario with arms) the resolved scenario is written, every default filled in.
Relative network files become absolute (``best.toml`` lives in the output folder).
Either way the text is loaded back and checked to be exactly the fitted scenario.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sim.errors import SimError

__all__ = ["fitted_toml"]


def _fmt(value: Any) -> str:
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def _edit(text: str, values: Mapping[str, Any], before: Mapping[str, Any], top: dict) -> str:
    import tomlkit
    from tomlkit.items import Item

    from sim.experiments.scenario_points import key_path

    doc = tomlkit.parse(text)
    for key, value in top.items():
        doc[key] = value
    for key, value in values.items():
        path = key_path(key)
        node: Any = doc
        for part in path[:-1]:
            if part not in node:
                node[part] = tomlkit.table()
            node = node[part]
        leaf = path[-1]
        old = node.get(leaf)
        comment = f"calibrated (was {_fmt(before.get(key))})"
        item = tomlkit.item(value)
        if isinstance(old, Item) and old.trivia.comment:
            comment += ": " + old.trivia.comment.lstrip("#").strip()
            # keep the comment's column: the new value may be longer than the old
            pad = len(old.trivia.comment_ws) + len(old.as_string()) - len(item.as_string())
            item.comment(comment)
            item.trivia.comment_ws = " " * max(1, pad)
        else:
            item.comment(comment)
        node[leaf] = item
    return tomlkit.dumps(doc)


def fitted_toml(
    expected: Any,
    values: Mapping[str, Any],
    before: Mapping[str, Any],
    *,
    source_text: str | None,
    header: str,
    where: str | os.PathLike[str],
) -> str:
    """The text of ``best.toml``.

    Args:
        expected: The fitted scenario (:class:`~sim.scenario.Scenario`, with the
            calibration's seed and replicates).
        values: The fitted values by key.
        before: The scenario's values of those keys before calibration.
        source_text: The scenario file's text, to edit in place (``None``: write
            the resolved scenario).
        header: Comment lines put at the top (each starting with ``#``).
        where: Where the file will live (relative network files are made absolute).

    Returns:
        The TOML text.

    Raises:
        SimError: If no text reproducing the fitted scenario could be made.
    """
    from sim.experiments.scenario_points import absolute_files
    from sim.scenario import load_scenario, loads_scenario

    want = expected.to_dict()
    absolute_files(want, expected.base_dir)
    candidates = []
    if source_text is not None and not expected.arms:
        top = {"seed": expected.seed, "replicates": expected.replicates}
        try:
            edited = _edit(source_text, values, before, top)
            net = want.get("network") or {}
            file = net.get("file") if isinstance(net, dict) else None
            if file is not None:
                import tomlkit

                doc = tomlkit.parse(edited)
                doc["network"]["file"] = str(file)
                edited = tomlkit.dumps(doc)
            candidates.append(edited)
        except Exception:  # an unusual layout: fall back to the resolved dump
            pass
    candidates.append(load_scenario(want).to_toml())
    path = Path(where)
    for text in candidates:
        full = header.rstrip("\n") + "\n\n" + text if header else text
        try:
            got = loads_scenario(full, source_path=path).to_dict()
        except Exception:  # try the next candidate
            continue
        absolute_files(got, path.parent)
        if got == want:
            return full
    raise SimError("could not write best.toml: the fitted scenario does not round-trip")
