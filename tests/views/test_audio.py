"""AudioView: files and bytes become data:audio URLs; what cannot be decoded says why."""

import base64
import io
import wave

import pandas as pd
import pytest

import nb_label as nbl
from nb_label.views import AudioView, default_view
from nb_label.views.audio import AudioReadError, looks_like_audio, sniff_audio


def wav_bytes(seconds=0.2, rate=8000):
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(b"\x00\x10" * int(seconds * rate))
    return out.getvalue()


def test_wav_bytes_become_a_data_url_with_its_duration():
    data = wav_bytes(0.25)
    block = AudioView("clip").block(data)
    assert block["kind"] == "audio" and block["mime"] == "audio/wav"
    assert block["src"].startswith("data:audio/wav;base64,")
    assert base64.b64decode(block["src"].split(",", 1)[1]) == data
    assert block["seconds"] == 0.25 and block["label"] == "clip"


def test_a_file_path_is_read(tmp_path):
    path = tmp_path / "a.wav"
    path.write_bytes(wav_bytes())
    assert AudioView("p").block(str(path))["kind"] == "audio"
    assert AudioView("p", root=tmp_path).block("a.wav")["kind"] == "audio"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt garbage", "not a readable WAV"),
        (wav_bytes()[:200], "truncated"),
        (b"hello, this is plain text and not audio at all!", "not a recognised audio format"),
    ],
)
def test_undecodable_audio_is_a_missing_block_with_a_problem(data, reason):
    block = AudioView("a").block(data)
    assert block["kind"] == "missing" and reason in block["problem"]
    assert block["text"].startswith("audio could not be read")


def test_other_formats_are_known_by_their_first_bytes():
    assert sniff_audio(b"OggS" + b"\x00" * 60)[0] == "audio/ogg"
    assert sniff_audio(b"ID3" + b"\x00" * 60)[0] == "audio/mpeg"
    assert sniff_audio(b"fLaC" + b"\x00" * 60)[0] == "audio/flac"
    with pytest.raises(AudioReadError):
        sniff_audio(b"OggS")  # too short


def test_missing_files_urls_and_big_files_are_refused(tmp_path):
    view = AudioView("a", byte_cap=1_000)
    assert "no such file" in view.block(str(tmp_path / "gone.wav"))["problem"]
    assert "URLs are not fetched" in view.block("https://x/a.wav")["problem"]
    assert "byte_cap" in view.block(wav_bytes(1.0))["problem"]
    assert view.block(None) == {"kind": "missing", "text": "(missing audio)"}


def test_audio_columns_are_detected_beside_text(tmp_path):
    path = tmp_path / "a.wav"
    path.write_bytes(wav_bytes())
    assert looks_like_audio(str(path)) and looks_like_audio(wav_bytes())
    assert not looks_like_audio("a sentence that ends with .wav\nand goes on")
    data = pd.DataFrame({"clip": [wav_bytes()], "who": ["ana"]})
    blocks = default_view(["clip", "who"], data=data).render({"clip": wav_bytes(), "who": "ana"})
    assert [b["kind"] for b in blocks] == ["audio", "text"]


def test_an_undecodable_clip_is_flagged_and_labelling_goes_on(tmp_path):
    df = pd.DataFrame({"clip": [wav_bytes(), b"not audio, just some bytes of text here"]})
    lab = nbl.Labeller(df, show="clip", answer=nbl.Caption(), store=str(tmp_path / "a.db"))
    lab.card_item(1)
    assert lab.flag_unshowable() == 1
    assert lab.annotations.loc[1, "state"] == "flagged"
    lab.label("a short tone", item_key=0)
    assert lab.annotations.loc[0, "label"] == "a short tone"
    lab.close()


def test_text_with_table_marks_the_table_beside():
    view = nbl.views.TextWithTable("text", ["lang", "n"])
    blocks = view.render({"text": "<b>hi</b>", "lang": "en", "n": 3})
    assert blocks == [
        {"kind": "text", "text": "<b>hi</b>"},
        {"kind": "table", "columns": ["lang", "n"], "values": ["en", "3"], "beside": True},
    ]
