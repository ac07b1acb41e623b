"""Scoring graphs against gold annotation files (SPEC §4)."""
