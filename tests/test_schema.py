import pytest

from nb_label.schema import Label, Schema, as_schema


def test_keys_default_to_digits_and_types_are_kept():
    schema = as_schema([0, 1])
    assert [label.key for label in schema.labels] == ["1", "2"]
    assert schema.values == [0, 1]
    assert schema.find(1).value == 1
    with pytest.raises(ValueError, match="not in the label set"):
        schema.find(True)


@pytest.mark.parametrize(
    ("labels", "match"),
    [
        (["spam", " Spam "], "same name"),
        (["ok", ""], "empty"),
        (["ok", "   "], "empty"),
        ([], "empty"),
        (["x" * 500], "too long"),
        ([Label("a", key="s")], "reserved"),
        ([Label("a", key="7"), Label("b", key="7")], "both use key"),
        ("ham", "list of label names"),
        ([1.5], "strings, ints or bools"),
    ],
)
def test_bad_label_sets_are_refused_with_a_reason(labels, match):
    with pytest.raises(ValueError, match=match):
        as_schema(labels) if not isinstance(labels, list) else Schema(labels)


def test_for_card_has_layout_independent_codes():
    card = Schema([Label("ham", "normal"), Label("spam", key="k")]).for_card()
    assert card[0]["code"] == "Digit1"
    assert card[1]["code"] is None
    assert card[0]["definition"] == "normal"


def test_html_in_names_is_kept_as_text():
    schema = Schema(["<img src=x onerror=alert(1)>"])
    assert schema.for_card()[0]["display"] == "<img src=x onerror=alert(1)>"


def test_names_that_look_alike_are_one_name():
    nfc, nfd = "caf\u00e9", "cafe\u0301"  # a precomposed é, and e + a combining accent
    with pytest.raises(ValueError, match="same name"):
        Schema([nfc, nfd])
    schema = Schema([nfc, "tea"])
    assert schema.find(nfd).value == nfc  # typed either way, the stored label is found
    with pytest.raises(ValueError, match="same name"):
        Schema(["na\u200dme", "name"])  # a joiner alone does not make another name


@pytest.mark.parametrize(
    "name",
    ["spam\u200b", "sp\u200bam", "\u2060spam", "\ufeffspam", "spam\u202e", "sp\u2066am",
     "spam\u200e", "sp\x07am", "\u200dspam"],
)  # fmt: skip
def test_invisible_and_bidi_characters_are_refused(name):
    with pytest.raises(ValueError, match="remove it"):
        Label(name)


def test_joiners_inside_a_name_are_allowed():
    assert Label("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645").value  # Persian ZWNJ
    assert Label("\U0001f469\u200d\U0001f33e farmer").value  # an emoji ZWJ sequence


@pytest.mark.parametrize("key", [1, 1.0, True])
def test_a_key_that_is_not_text_says_to_quote_it(key):
    with pytest.raises(ValueError, match=r"key= is the name of a key, as text: key='1'"):
        Label("a", key=key)


def test_an_empty_key_is_refused():
    with pytest.raises(ValueError, match="key= is empty"):
        Label("a", key="")


def test_owners_as_one_name_is_refused_not_split_into_letters():
    with pytest.raises(ValueError, match=r"owners= is a list of annotator names.*\['teacher'\]"):
        Schema(["a", "b"], policy="review", owners="teacher")


def test_owners_must_be_names():
    with pytest.raises(ValueError, match="owners= holds 3"):
        Schema(["a", "b"], policy="review", owners=["ana", 3])


@pytest.mark.parametrize(
    "color", ["#1f77b4", "#ABC", "#11223344", "rgb(1, 2, 3)", "rgba(1,2,3,0.5)",
              "hsl(120 50% 50%)", "hsl(120deg, 50%, 50%)", "red", "DarkSlateGray"],
)  # fmt: skip
def test_css_colours_are_accepted(color):
    assert Label("a", color=color).color == color


@pytest.mark.parametrize(
    "color",
    ["url(http://127.0.0.1:9/x)", "red; background: url(x)", "var(--jp-brand)",
     "expression(alert(1))", "image-set('x.png' 1x)", "#12", "rgb(1, 2, url(x))", "nonsense", 12],
)  # fmt: skip
def test_anything_but_a_colour_is_refused(color):
    with pytest.raises(ValueError, match=r"color= takes a CSS colour.*#1f77b4"):
        Label("a", color=color)


def test_a_stored_colour_that_is_not_one_is_dropped_for_the_palette():
    # Written by another kernel, an old version or a buggy client: it never reaches a card.
    label = Label.from_dict({"value": "a", "color": "url(http://127.0.0.1:9/beacon)"})
    assert label.color is None
    assert Schema([label]).labels[0].color.startswith("#")
