"""Tests of the scenario layer (a package, so its module names cannot clash)."""
