"""Shared data for the quality tests: the real politeness ratings in long form."""

from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

# The ratings nb_label ships (annotator ids pseudonymised), so the tests run on any machine.
POLITENESS_CSV = Path(
    str(
        resources.files("nb_label.datasets").joinpath("data", "wikipedia_politeness_annotated.csv")
    )
)
N_RATINGS = 5


def politeness_long(wide: pd.DataFrame) -> pd.DataFrame:
    """One row per rating: item_key (request Id), annotator, label (1..25)."""
    parts = [
        pd.DataFrame(
            {
                "item_key": wide["Id"],
                "annotator": wide[f"Annotator{slot}"],
                "label": wide[f"Score{slot}"],
            }
        )
        for slot in range(1, N_RATINGS + 1)
    ]
    return pd.concat(parts, ignore_index=True)


@pytest.fixture(scope="session")
def politeness_wide() -> pd.DataFrame:
    if not POLITENESS_CSV.exists():
        pytest.fail(f"The politeness ratings are missing: expected {POLITENESS_CSV}.")
    return pd.read_csv(POLITENESS_CSV)


@pytest.fixture(scope="session")
def politeness(politeness_wide: pd.DataFrame) -> pd.DataFrame:
    return politeness_long(politeness_wide)
