"""Rules written in Python, for what a token or dependency pattern cannot say.

Each function is registered by name (``@MATCHERS("name")``) and listed in a rule file of
``kg/data/rules/`` with ``"match": {"python": "name"}``, its id, what it emits, its confidence
and its guards: the data decides which run and how they are named.
"""
