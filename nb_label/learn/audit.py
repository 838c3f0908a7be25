"""The loop's audit sample: random items, never trained on, that score each round honestly.

The sample fills in proportion to the labels: with a share of 5%, the 1st answer, the 21st,
the 41st ... are audit items (at least one in every 20 answers), until the sample holds its
share of all items. Each reorder of the queue puts the audit items that are due back in place,
so a new order never pushes them out; the strategies never choose an audit item, which keeps
the sample a uniform random draw from the items.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence

import numpy as np
import pandas as pd

# Rounding slack, so 0.05 * 20 counts as 1 and not as 1.0000000000000002.
_EPS = 1e-9


class AuditSample:
    """Which items are audit items, and where they go in the queue.

    Parameters
    ----------
    share : float
        The share of the answers (and at most of all items) that are audit items.
    n_items : int
        How many items the labeller has: the sample is full at ``ceil(share * n_items)``.
    rng : numpy.random.Generator
        Draws the items.
    """

    def __init__(self, share: float, n_items: int, rng: np.random.Generator) -> None:
        self.share = share
        self.size = math.ceil(share * n_items - _EPS)
        self._rng = rng
        self.keys: set[Hashable] = set()

    def due(self, n_answers: int) -> int:
        """How many of the first ``n_answers`` answers should be audit items."""
        return min(self.size, math.ceil(n_answers * self.share - _EPS))

    def place(
        self, order: Sequence[Hashable], *, pool: pd.Index, labelled: pd.Index
    ) -> list[Hashable]:
        """``order`` with the audit items due among the next answers put in place.

        Parameters
        ----------
        order : sequence of item keys
            The next items as the strategy (or the queue) has them; audit items in it are
            taken out, so they come only where the schedule puts them.
        pool : pandas.Index
            The unanswered items: pending audit items among them go first, then new draws.
        labelled : pandas.Index
            The labelled items (audit ones included): how far the schedule has come.
        """
        done = int(labelled.isin(list(self.keys)).sum())
        in_pool = pool.isin(list(self.keys))
        pending = list(pool[in_pool])
        fresh = pool[~in_pool]
        rest = [k for k in order if k not in self.keys]
        out: list[Hashable] = []
        while True:
            if self.due(len(labelled) + len(out) + 1) > done:
                key = pending.pop(0) if pending else self._draw(fresh)
                if key is None:
                    break
                fresh = fresh[fresh != key]
                rest = [k for k in rest if k != key]
                done += 1
                out.append(key)
            elif rest:
                out.append(rest.pop(0))
            else:
                break
        return out + rest

    def _draw(self, candidates: pd.Index) -> Hashable | None:
        if not len(candidates):
            return None
        key = candidates[int(self._rng.integers(len(candidates)))]
        self.keys.add(key)
        return key
