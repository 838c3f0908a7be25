"""The database goes away and comes back: the card keeps answers pending and loses nothing.

The outage is real: a private PostgreSQL cluster that this test starts itself (``initdb`` and
``pg_ctl`` from the server's bin folder, on a free port) and stops and starts again. The shared
server on port 5432 is never touched.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile

import pandas as pd
import pytest

import nb_label as nbl
from nb_label.errors import StoreConnectionError


def _bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateCluster:
    """A throw-away PostgreSQL cluster: its own data folder, port and socket."""

    def __init__(self, initdb: str, pg_ctl: str) -> None:
        self.pg_ctl = pg_ctl
        self.folder = tempfile.mkdtemp(prefix="nbl-pg-")
        self.port = _free_port()
        # PostgreSQL refuses to run as root; CI machines run tests as root.
        self.user = None
        if os.geteuid() == 0:
            self.user = pwd.getpwnam("postgres")
            os.chown(self.folder, self.user.pw_uid, self.user.pw_gid)
        self.data = os.path.join(self.folder, "data")
        self._run(initdb, "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync")

    def _run(self, *args: str) -> None:
        command = list(args)
        if self.user is not None:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    #: Trust authentication ignores it; it is there to prove it is never shown.
    password = "hunter2-secret"

    @property
    def url(self) -> str:
        return f"postgresql://postgres:{self.password}@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = os.path.join(self.folder, "log")
        self._run(self.pg_ctl, "-D", self.data, "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        self._run(self.pg_ctl, "-D", self.data, "-m", "immediate", "-w", "stop")

    def remove(self) -> None:
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def cluster():
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    if initdb is None or pg_ctl is None:
        reason = "initdb/pg_ctl not found: install the server (apt-get install postgresql)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    server = PrivateCluster(initdb, pg_ctl)
    server.start()
    yield server
    server.remove()


def answer(i: int, key: int, value: str = "spam") -> dict:
    return {
        "type": "answer", "id": f"c{i}", "seq": i, "key": str(key), "kind": "label",
        "value": value, "note": f"answer {i}", "seconds": 1.0,
        "client_time": "2026-11-27T00:00:00.000Z", "suggestion": None, "showing": None,
    }  # fmt: skip


@pytest.mark.postgres
def test_answers_wait_while_the_database_is_down_and_are_stored_once_when_it_returns(
    cluster, caplog
):
    df = pd.DataFrame({"text": [f"message {i}" for i in range(30)]})
    lab = nbl.Labeller(
        df, show="text", labels=["ham", "spam"], store=cluster.url, annotator="ana", overlap=2
    )
    sent = []
    lab.card.send = lambda content, buffers=None: sent.append(content)
    lab.card.handle({"type": "hello", "have": []})
    lab.card.handle(answer(1, 0))
    assert [m["type"] for m in sent if m.get("id") == "c1"] == ["ack"]

    cluster.stop()
    sent.clear()
    lab.card.handle(answer(2, 1))
    lab.card.handle(answer(3, 2, "ham"))
    lab.card.handle({"type": "heartbeat"})  # a missed heartbeat is not an error
    waits = [m for m in sent if m["type"] == "wait"]
    assert [m["id"] for m in waits] == ["c2", "c3"]
    assert all(m["retry_in"] > 0 and m["reason"] for m in waits)
    assert cluster.password not in str(waits) + caplog.text  # masked in messages and logs
    assert "***" in waits[0]["reason"]
    assert not [m for m in sent if m["type"] in ("ack", "refuse")]
    assert lab.progress["labelled"] == 1  # nothing counted that is not stored

    cluster.start()
    sent.clear()
    for message in (answer(2, 1), answer(3, 2, "ham")):  # the card's retry, oldest first
        lab.card.handle(message)
    assert [(m["type"], m["id"]) for m in sent if "id" in m] == [("ack", "c2"), ("ack", "c3")]
    lab.card.handle(answer(2, 1))  # a second retry of the same answer is stored once
    events = lab.store.events(lab.dataset, kinds=["label"])
    assert events["client_event_id"].tolist() == ["c1", "c2", "c3"]
    assert events["value"].tolist() == ["spam", "spam", "ham"]
    assert lab.progress["labelled"] == 3
    slots = lab.store.slots(lab.dataset)
    assert set(slots[slots["done"]]["item_key"]) == {"0", "1", "2"}
    lab.close()


@pytest.mark.postgres
def test_a_wrong_password_or_host_is_a_clear_error_that_never_shows_the_password(cluster):
    wrong = f"postgresql://postgres:s3cret-pw@127.0.0.1:{_free_port()}/postgres"
    with pytest.raises(StoreConnectionError) as raised:
        nbl.Labeller(pd.DataFrame({"t": ["a"]}), show="t", labels=["x"], store=wrong)
    error = raised.value
    assert "***" in str(error) and "s3cret-pw" not in str(error) + repr(error)
    assert error.__cause__ is None  # the driver's own message (with the URL) is not chained
