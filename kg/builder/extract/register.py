"""Import every module that registers guards, resolvers, matchers, frames or reads word lists."""

from kg.builder.extract import guards, mentions, takes  # noqa: F401
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
