import numpy as np
import pandas as pd
import pytest

from nb_label._keys import decode_key, encode_key


@pytest.mark.parametrize(
    "label",
    [0, 17, np.int64(5), "msg-1", "ナ", 2.5, True, (1, "a"), pd.Timestamp("2024-01-02 03:04:05")],
)
def test_round_trip(label):
    decoded = decode_key(encode_key(label))
    assert decoded == (label.item() if isinstance(label, np.generic) else label)


def test_int_and_str_keys_differ():
    assert encode_key(1) != encode_key("1")


@pytest.mark.parametrize("label", [float("nan"), object()])
def test_unusable_labels_are_refused(label):
    with pytest.raises(ValueError, match="item key"):
        encode_key(label)
