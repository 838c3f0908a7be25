"""The optional parts of nb_label, and the error that names the extra a part needs.

``pip install nb-label`` installs the core: the store, the Labeller, the card, the answer kinds
and the exports. The model loop, the plots and the region labeller pull in large packages, so
each comes with an extra (``pip install "nb-label[learn]"``); using one without it raises
:class:`MissingExtraError`, which says what to install.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from contextlib import contextmanager

# Extra -> the top-level modules it installs. Kept in step with pyproject.toml by a test.
EXTRAS: dict[str, tuple[str, ...]] = {
    "learn": ("sklearn", "scipy"),
    "plot": ("matplotlib",),
    "regions": ("ipyannotations", "ipycanvas"),
    "postgres": ("psycopg",),
    "parquet": ("pyarrow",),
    "arrow": ("narwhals",),
}


class MissingExtraError(ImportError):
    """A part of nb_label was used without the extra that installs what it needs."""


def install_hint(extra: str) -> str:
    """The command that installs ``extra``."""
    return f'pip install "nb-label[{extra}]"'


def _error(extra: str, feature: str, module: str) -> MissingExtraError:
    return MissingExtraError(
        f"{feature} needs the optional package {module!r}, which is not installed. "
        f"Install nb_label's {extra!r} extra: {install_hint(extra)} "
        f'(or everything: pip install "nb-label[all]").',
        name=module,
    )


def _missing(extra: str) -> str | None:
    """The first module of ``extra`` that is not installed (found, not imported), or None."""
    return next((m for m in EXTRAS[extra] if importlib.util.find_spec(m) is None), None)


def has_extra(extra: str) -> bool:
    """Whether every module of ``extra`` is installed."""
    return _missing(extra) is None


def require(extra: str, *, feature: str) -> None:
    """Raise :class:`MissingExtraError` unless every module of ``extra`` is installed."""
    module = _missing(extra)
    if module is not None:
        raise _error(extra, feature, module)


@contextmanager
def extra_imports(extra: str, *, feature: str) -> Iterator[None]:
    """Turn a missing module of ``extra`` imported in this block into :class:`MissingExtraError`.

    Other import errors (a broken install of a package that is there) pass unchanged.
    """
    try:
        yield
    except ModuleNotFoundError as exc:
        top = (exc.name or "").partition(".")[0]
        if top not in EXTRAS[extra]:
            raise
        raise _error(extra, feature, top) from exc
