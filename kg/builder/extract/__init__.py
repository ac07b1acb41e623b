"""Extraction stages: turn parsed sentences into entities, relations, events and dates."""
