"""A password never shows, whatever form the URL gave it in (nb_label/store/engine.py).

Every place a store's URL is shown (the store, the labeller, the card's traits, messages,
errors, the command line) is checked for the secret itself.
"""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy.engine import make_url

import nb_label as nbl
from nb_label.cli import main
from nb_label.errors import StoreError
from nb_label.store.engine import masked, target_url, without_secrets

SECRET = "s3cr3t-Pa55"


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://ana:{SECRET}@db.example/class",
        f"postgresql://db.example/class?user=ana&password={SECRET}",
        f"postgresql://ana@db.example/class?sslpassword={SECRET}&sslmode=require",
        f"postgresql://ana@db.example/class?PASSWORD={SECRET}",
    ],
)
def test_masked_hides_the_password_in_every_form(url):
    shown = masked(target_url(url))
    assert SECRET not in shown
    assert "***" in shown
    assert "db.example/class" in shown


def test_text_that_quotes_a_secret_is_scrubbed():
    url = target_url(f"postgresql://db/x?password={SECRET}&sslpassword=other-{SECRET}")
    said = without_secrets(f"connection failed: password={SECRET} sslpassword=other-{SECRET}", url)
    assert SECRET not in said


def test_a_libpq_connection_string_is_refused_without_echoing_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match=r"libpq connection string.*postgresql://") as raised:
        nbl.open_store(f"host=127.0.0.1 dbname=class user=ana password={SECRET}")
    assert SECRET not in str(raised.value)
    assert not list(tmp_path.iterdir()), "no SQLite file named after the string"


@pytest.fixture
def secret_url(postgres_schema):
    """The test database's URL with a password and an SSL key password in its query."""
    url = make_url(postgres_schema).update_query_dict(
        {"password": SECRET, "sslpassword": f"ssl-{SECRET}"}
    )
    return url.render_as_string(hide_password=False)


@pytest.mark.postgres
def test_no_output_path_shows_the_password(secret_url, capsys):
    df = pd.DataFrame({"text": ["a", "b", "c"]})
    with nbl.Labeller(
        df, show="text", labels=["x", "y"], store=secret_url, annotator="ana"
    ) as lab:
        lab.label("x")
        card = lab.card
        shown = [
            repr(lab), repr(lab.store), lab.store.url, lab.message,
            card.store_key, card.message, str(card.options),
        ]  # fmt: skip
    assert main(["stats", secret_url]) == 0
    captured = capsys.readouterr()
    shown += [captured.out, captured.err]
    assert not [text for text in shown if SECRET in text]


@pytest.mark.postgres
def test_errors_do_not_show_the_password(secret_url):
    missing = make_url(secret_url).set(database="nbl_no_such_database")
    with pytest.raises(StoreError) as raised:
        nbl.open_store(missing.render_as_string(hide_password=False))
    assert SECRET not in str(raised.value)
    assert SECRET not in repr(raised.value)
    assert raised.value.__cause__ is None or SECRET not in str(raised.value.__cause__)
