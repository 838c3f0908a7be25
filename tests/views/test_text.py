import math

from nb_label.views import CallableView, TableView, TextView


def test_text_view_keeps_text_as_text():
    blocks = TextView("text").render({"text": "<script>x</script>"})
    assert blocks == [{"kind": "text", "text": "<script>x</script>"}]


def test_missing_values_say_so():
    assert TextView("t").render({"t": None})[0]["kind"] == "missing"
    assert TextView("t").render({"t": math.nan})[0]["kind"] == "missing"


def test_table_view_stringifies_values():
    blocks = TableView(["a", "b"]).render({"a": 1, "b": None})
    assert blocks == [{"kind": "table", "columns": ["a", "b"], "values": ["1", "(missing)"]}]


def test_callable_view_text_result_is_a_text_block():
    assert CallableView(lambda row: row["a"] * 2).render({"a": "x"}) == [
        {"kind": "text", "text": "xx"}
    ]
