"""Fixture generator for sohoa: see scripts/gen-fixtures."""
