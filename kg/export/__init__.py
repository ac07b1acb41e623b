"""Writing: the graph as RDF, GraphML/GEXF/CSV tables and the interactive HTML view."""
