import numpy as np

from nb_label.queue import ItemQueue


def test_unlabelled_first_then_skipped():
    q = ItemQueue(np.arange(5), n_rows=5)
    assert q.upcoming(3) == [0, 1, 2]
    q.skip(0)
    q.finish(1)
    assert q.upcoming(5) == [2, 3, 4, 0]


def test_reopened_items_come_next():
    q = ItemQueue(np.arange(5), n_rows=5)
    q.finish(0)
    q.finish(1)
    q.reopen(0)
    assert q.peek() == 0


def test_exclude_steps_over_held_items():
    q = ItemQueue(np.arange(5), n_rows=5)
    assert q.upcoming(2, exclude={0, 1}) == [2, 3]


def test_reorder_keeps_the_rest_and_drops_finished():
    q = ItemQueue(np.arange(6), n_rows=6)
    q.finish(4)
    q.reorder([5, 4, 2, 5])
    assert q.upcoming(6) == [5, 2, 0, 1, 3]


def test_subset_positions_only():
    q = ItemQueue(np.array([2, 4]), n_rows=6)
    assert q.upcoming(5) == [2, 4]
    q.reorder([0, 4])
    assert q.upcoming(5) == [4, 2]


def test_open_mask_counts_skipped_as_open():
    q = ItemQueue(np.arange(3), n_rows=3)
    q.finish(0)
    q.skip(1)
    assert q.open_mask(np.arange(3)).tolist() == [False, True, True]
