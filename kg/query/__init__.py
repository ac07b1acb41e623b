"""Using the graph through SPARQL: named queries, ``kg query`` and the ``kg serve`` endpoint."""
