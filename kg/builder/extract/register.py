"""Import every module that registers guards, resolvers, Python matchers and frames."""

from kg.builder.extract import guards, takes  # noqa: F401
from kg.builder.extract.matchers import (  # noqa: F401
    forces,
    frames,
    institutions,
    leadership,
    membership,
    peers,
    places,
    requests,
    titles,
)
