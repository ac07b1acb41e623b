"""Building: read → nlp → extract → resolve → graph (``kg.builder.pipeline.build`` runs them)."""
