"""Fixtures for the store tests: an open store, and child processes that share it."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from nb_label.store import open_store


@pytest.fixture
def store(store_target):
    """A fresh open store on SQLite or PostgreSQL, closed after the test."""
    with open_store(store_target) as opened:
        yield opened


def event(n: int, **fields) -> dict:
    """A valid label event; ``fields`` override or add to it."""
    return {
        "dataset": "sms",
        "item_key": f'"{n}"',
        "annotator": "ana",
        "kind": "label",
        "value": "spam" if n % 2 else "ham",
        **fields,
    }


@pytest.fixture
def make_event():
    """The :func:`event` factory."""
    return event


@pytest.fixture
def start_child():
    """Start ``python -c code args...``; the processes still running are killed afterwards."""
    children = []

    def start(code: str, *args: str) -> subprocess.Popen:
        child = subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(code), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        children.append(child)
        return child

    yield start
    for child in children:
        if child.poll() is None:
            child.kill()
        child.communicate(timeout=10)


def _next_line(child: subprocess.Popen) -> str:
    line = child.stdout.readline()
    if not line:
        child.wait(timeout=10)
        pytest.fail(f"child process exited with {child.returncode}: {child.stderr.read()}")
    return line.strip()


@pytest.fixture
def next_line():
    """``next_line(child)``: the child's next output line; fails the test if it died instead."""
    return _next_line
