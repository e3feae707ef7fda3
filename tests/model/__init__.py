"""Tests of the word-of-mouth marketing model (a package, so module names cannot clash)."""
