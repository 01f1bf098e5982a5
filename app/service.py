"""Expression and values in, JSON bytes out: the one entry point the routes and the CLI share."""

from __future__ import annotations

import gc
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from threading import Lock

from app.config import Settings
from app.engine import Evaluation, Options, evaluate
from app.graph import Graph
from app.parser import parse
from app.serialize import to_json
from app.tensor_engine import TensorEvaluation


class ParseCache:
    """The last few parsed graphs, keyed by the text: a slider drag re-sends the same
    expression with new values, and the graph does not depend on the values."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._graphs: OrderedDict[str, Graph] = OrderedDict()
        self._lock = Lock()

    def get(self, text: str, settings: Settings) -> Graph:
        with self._lock:
            graph = self._graphs.get(text)
            if graph is not None:
                self._graphs.move_to_end(text)
                return graph
        graph = parse(text, settings)
        with self._lock:
            self._graphs[text] = graph
            while len(self._graphs) > self.size:
                self._graphs.popitem(last=False)
        return graph


_caches: dict[int, ParseCache] = {}


def _cache(settings: Settings) -> ParseCache:
    key = id(settings)
    if key not in _caches:
        _caches[key] = ParseCache(settings.parse_cache_size)
    return _caches[key]


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a request builds its objects.

    A large graph allocates hundreds of thousands of acyclic objects (nodes, dicts, floats);
    each allocation burst would trigger full collections that rescan them all, which made
    parsing and serialising a 10,000-term sum several times slower. Nothing here forms cycles,
    so reference counting frees it all anyway.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def explain(
    expression: str, values: Mapping[str, object], settings: Settings, options: Options = Options()
) -> Evaluation | TensorEvaluation:
    """Parse (or reuse the parse of) the expression and run forward, backward and the check."""
    with no_cyclic_gc():
        graph = _cache(settings).get(expression, settings)
        return evaluate(graph, values, settings, options)


def explain_json(
    expression: str, values: Mapping[str, object], settings: Settings, options: Options = Options()
) -> bytes:
    with no_cyclic_gc():
        result = explain(expression, values, settings, options)
        return to_json(result, settings.latex_max_nodes)
