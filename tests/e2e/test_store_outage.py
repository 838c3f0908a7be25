"""In the browser: the database goes away mid-session and comes back; nothing is lost.

The store is a private PostgreSQL cluster (tests/conftest.py) that the test stops and starts;
the shared server is never touched.
"""

from __future__ import annotations

import nb_label as nbl

from .harness import code_notebook, open_card, wait_attr

CELL = """
import os
import nb_label as nbl

df = nbl.datasets.sms_spam().iloc[:40]
lab = nbl.Labeller(df, show="text", labels=["ham", "spam"], store=os.environ["NBL_PG_URL"],
                   annotator="ana", dataset="sms-outage", overlap=2)
lab
"""


def test_the_card_says_the_store_is_away_keeps_answers_and_saves_them_when_it_returns(
    lab, tmp_path, private_postgres
):
    cluster = private_postgres
    card = open_card(
        lab, code_notebook(CELL), tmp_path / "unused.db", env={"NBL_PG_URL": cluster.url}
    )
    page = lab.page
    page.keyboard.press("1")
    wait_attr(lab, ".nbl-card", "data-saved", "1")

    cluster.stop()
    page.keyboard.press("2")
    page.keyboard.press("1")
    status = page.locator(".nbl-card .nbl-status").first
    page.wait_for_function(
        """() => {
            const s = document.querySelector('.nbl-card .nbl-status');
            return s !== null && s.textContent.includes('store unreachable');
        }""",
        timeout=20_000,
    )
    text = status.text_content()
    assert "2 answers kept here, retrying" in text
    assert cluster.password not in text and "***" in text
    assert card.get_attribute("data-pending") == "2"
    # The person kept going from the buffer: the fourth message is on screen.
    assert page.locator(".nbl-item").first.get_attribute("data-key") == "3"

    cluster.start()
    wait_attr(lab, ".nbl-card", "data-pending", "0", timeout=30_000)  # the card's retry
    wait_attr(lab, ".nbl-card", "data-saved", "3")
    with nbl.open_store(cluster.url) as store:
        events = store.events("sms-outage", kinds=["label"])
    assert events["item_key"].tolist() == ["0", "1", "2"]
    assert events["value"].tolist() == ["ham", "spam", "ham"]
    assert events["client_event_id"].is_unique
