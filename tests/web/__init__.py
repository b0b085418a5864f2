"""Tests of the web screens, one module per screen."""
