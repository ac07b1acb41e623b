"""Using the graph in Python: loading exports into networkx and corpus analytics."""
