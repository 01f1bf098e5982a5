"""Expression and values in, JSON bytes out: the one entry point the routes and the CLI share."""

from __future__ import annotations

import gc
from collections import OrderedDict
from collections.abc import Mapping
from threading import Lock

from app.clock import Clock
from app.config import Settings
from app.engine import Evaluation, Options, evaluate
from app.errors import ExpressionError
from app.graph import Graph
from app.parser import parse
from app.serialize import to_json
from app.tensor_engine import TensorEvaluation


class ParseCache:
    """The last parsed graphs, keyed by the text: a slider drag re-sends the same expression
    with new values, and the graph does not depend on the values.

    Bounded by entries and by nodes in total: a parsed 10,000-term sum with its JSON parts
    holds about 70 MB, so a count alone would let 256 distinct large texts take 18 GB.
    """

    def __init__(self, size: int, max_nodes: int) -> None:
        self.size = size
        self.max_nodes = max_nodes
        self.nodes = 0
        self._graphs: OrderedDict[str, Graph] = OrderedDict()
        self._lock = Lock()

    def get(self, text: str, settings: Settings, clock: Clock | None = None) -> Graph:
        with self._lock:
            graph = self._graphs.get(text)
            if graph is not None:
                self._graphs.move_to_end(text)
                return graph
        graph = parse(text, settings, clock)
        if len(graph.nodes) > self.max_nodes:
            return graph
        with self._lock:
            if text not in self._graphs:  # another thread may have parsed it meanwhile
                self._graphs[text] = graph
                self.nodes += len(graph.nodes)
            while len(self._graphs) > self.size or self.nodes > self.max_nodes:
                self.nodes -= len(self._graphs.popitem(last=False)[1].nodes)
        return graph


_caches: dict[int, ParseCache] = {}


def _cache(settings: Settings) -> ParseCache:
    key = id(settings)
    if key not in _caches:
        _caches[key] = ParseCache(settings.parse_cache_size, settings.parse_cache_nodes)
    return _caches[key]


class no_cyclic_gc:  # noqa: N801 (used as a function: `with no_cyclic_gc():`)
    """Pause the cyclic garbage collector while a request builds its objects.

    A large graph allocates hundreds of thousands of acyclic objects (nodes, dicts, floats);
    each allocation burst would trigger full collections that rescan them all, which made
    parsing and serialising a 10,000-term sum several times slower. Nothing here forms cycles,
    so reference counting frees it all anyway. A class rather than a @contextmanager, whose
    generator costs a microsecond, a twentieth of a small request.
    """

    def __enter__(self) -> None:
        self.was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc_info: object) -> None:
        if self.was_enabled:
            gc.enable()


def explain(
    expression: str, values: Mapping[str, object], settings: Settings, options: Options = Options()
) -> Evaluation | TensorEvaluation:
    """Parse (or reuse the parse of) the expression and run forward, backward and the check."""
    clock = Clock(settings.max_seconds)
    with no_cyclic_gc():
        return _explain(expression, values, settings, options, clock)


def explain_json(
    expression: str, values: Mapping[str, object], settings: Settings, options: Options = Options()
) -> bytes:
    clock = Clock(settings.max_seconds)
    with no_cyclic_gc():
        result = _explain(expression, values, settings, options, clock)
        clock.check()  # no serialising past the limit
        return to_json(result, settings.latex_max_nodes, clock)


def _explain(
    expression: str,
    values: Mapping[str, object],
    settings: Settings,
    options: Options,
    clock: Clock,
) -> Evaluation | TensorEvaluation:
    """One clock for the whole request: the parse spends from max_seconds, and the engine gets
    what is left."""
    graph = _cache(settings).get(expression, settings, clock)
    try:
        return evaluate(graph, values, settings, options, clock)
    except ExpressionError as error:
        error.variables = list(graph.variables)
        error.message = _with_lookalike_hint(error.message, graph)
        raise


def _with_lookalike_hint(message: str, graph: Graph) -> str:
    """`sigmod (x)` parses as a product, so its trouble shows later (no value for sigmod, or
    shapes that don't fit): say which slip may be behind it."""
    if not graph.lookalikes:
        return message
    name, lookalike = next(iter(graph.lookalikes.items()))
    return f"{message.removesuffix('.')} ({lookalike.hint(name)})."
