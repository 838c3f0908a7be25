"""A labeller of SMS messages for the loop's tests; each module says which messages (``sms``)."""

import pytest

import nb_label as nbl


@pytest.fixture
def lab(sms, tmp_path):
    labeller = nbl.Labeller(
        sms, show="text", labels=["ham", "spam"], store=str(tmp_path / "l.db"), annotator="sim"
    )
    yield labeller
    labeller.close()
