"""nb_label: label pandas DataFrames inside Jupyter.

One item at a time, one key per answer, a note beside it, and every answer committed to a
store before the screen calls it saved.
"""

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

# Public name -> the module that defines it. Imported on first use (PEP 562), so
# `import nb_label` stays quick and each part can be imported on its own.
_PUBLIC = {
    "ActiveLoop": "nb_label.learn.loop",
    "Adaptive": "nb_label.adaptive",
    "AudioView": "nb_label.views.audio",
    "Caption": "nb_label.answers",
    "MultiLabel": "nb_label.answers",
    "Number": "nb_label.answers",
    "Rating": "nb_label.answers",
    "Label": "nb_label.schema",
    "ImageView": "nb_label.views.image",
    "Labeller": "nb_label.labeller",
    "RegionLabeller": "nb_label.regions",
    "Schema": "nb_label.schema",
    "SpanLabeller": "nb_label.spans.labeller",
    "open_store": "nb_label.store",
    "export": "nb_label.exporting",
    "simulate": "nb_label.learn.simulate",
    "NotesBrowser": "nb_label.widgets",
    "ProposalReview": "nb_label.widgets",
    "agreement": "nb_label.quality.api",
    "consensus": "nb_label.quality.api",
    "Review": "nb_label.review",
    "Dashboard": "nb_label.dashboard",
}
_MODULES = {"datasets": "nb_label.datasets", "strategies": "nb_label.learn.strategies",
            "quality": "nb_label.quality", "plots": "nb_label.plots",
            "spans": "nb_label.spans", "views": "nb_label.views"}  # fmt: skip

# Names whose module cannot be imported without an extra (see nb_label/_extras.py). They
# stay reachable (and raise an ImportError naming the extra to install) but are left out
# of `from nb_label import *` when the extra is missing, so that star import works.
_NEEDS_EXTRA = {"ActiveLoop": "learn", "strategies": "learn"}


def _listed(name: str) -> bool:
    from nb_label._extras import has_extra

    return name not in _NEEDS_EXTRA or has_extra(_NEEDS_EXTRA[name])


__all__ = sorted(name for name in [*_PUBLIC, *_MODULES] if _listed(name))


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        value = getattr(import_module(_PUBLIC[name]), name)
    elif name in _MODULES:
        value = import_module(_MODULES[name])
    else:
        raise AttributeError(f"module 'nb_label' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*_PUBLIC, *_MODULES])
