"""The model loop: retrain, query strategies, suggestions, a simulated annotator."""

from importlib import import_module
from typing import Any

# Imported on first use (PEP 562), so `nb_label.learn.strategies` loads without the loop.
_PUBLIC = {
    "ActiveLoop": "nb_label.learn.loop",
    "simulate": "nb_label.learn.simulate",
    "get_strategy": "nb_label.learn.strategies",
    "STRATEGIES": "nb_label.learn.strategies",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        value = getattr(import_module(_PUBLIC[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'nb_label.learn' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
