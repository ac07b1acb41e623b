"""Run the ``kg`` command line with ``python -m kg``."""

from kg.cli import main

main()
