"""Tests of the file parsers, the loader and the exporters."""
