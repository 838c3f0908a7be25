"""Audio as items: a file path or bytes becomes a ``data:audio/...;base64,`` URL for the card.

The card shows an ``<audio controls>`` element for an ``audio`` block (see
``docs/protocol.md``) and plays or pauses it with the ``p`` key. Audio that cannot be read
or decoded becomes a ``missing`` block with a ``problem``, so the labeller flags the item
(as for images) and labelling goes on.
"""

from __future__ import annotations

import base64
import io
import os
import wave
from pathlib import Path
from typing import Any

from nb_label.views._blocks import is_missing

AUDIO_TYPES = {
    ".wav": "audio/wav",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".opus": "audio/ogg",
    ".flac": "audio/flac",
    ".m4a": "audio/mp4",
    ".webm": "audio/webm",
}


class AudioReadError(ValueError):
    """Audio could not be read or decoded; the message says why, for the card."""


def _wav_seconds(data: bytes) -> float | None:
    """The duration of a WAV file, checking that its header and frames decode."""
    try:
        with wave.open(io.BytesIO(data)) as reader:
            rate, frames = reader.getframerate(), reader.getnframes()
            width, channels = reader.getsampwidth(), reader.getnchannels()
    except wave.Error as err:
        if str(err).startswith("unknown format"):  # e.g. float samples: browsers play them
            return None
        raise AudioReadError(f"not a readable WAV file ({err})") from err
    except EOFError as err:
        raise AudioReadError("the WAV file is cut short (no audio data)") from err
    if rate <= 0:
        raise AudioReadError("the WAV file has a sample rate of 0")
    if frames == 0:
        raise AudioReadError("the WAV file holds no audio frames")
    if len(data) < 44 + frames * width * channels // 2:
        raise AudioReadError("the WAV file is truncated: it holds less audio than its header says")
    return frames / rate


def sniff_audio(data: bytes) -> tuple[str, float | None]:
    """The MIME type of audio bytes (by their first bytes) and, for WAV, the duration.

    Raises
    ------
    AudioReadError
        For empty bytes, bytes of no known audio format, or a WAV file that does not decode.
    """
    if len(data) == 0:
        raise AudioReadError("the audio is empty (0 bytes)")
    head = data[:12]
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav", _wav_seconds(data)
    if len(data) < 32:
        raise AudioReadError(f"too short to be audio ({len(data)} bytes)")
    if head[:4] == b"OggS":
        return "audio/ogg", None
    if head[:4] == b"fLaC":
        return "audio/flac", None
    if head[:3] == b"ID3" or (head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "audio/mpeg", None
    if head[4:8] == b"ftyp":
        return "audio/mp4", None
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "audio/webm", None
    raise AudioReadError("not a recognised audio format (WAV, MP3, Ogg, FLAC, M4A or WebM)")


def looks_like_audio(value: Any) -> bool:
    """True for a one-line path with an audio suffix, or bytes that start like audio."""
    if isinstance(value, Path):
        return value.suffix.lower() in AUDIO_TYPES
    if isinstance(value, str):
        return (
            len(value) < 4096
            and "\n" not in value
            and os.path.splitext(value.strip())[1].lower() in AUDIO_TYPES
        )
    if isinstance(value, (bytes, bytearray, memoryview)):
        try:
            sniff_audio(bytes(value[:64]) if len(value) > 64 else bytes(value))
        except AudioReadError as err:
            return "WAV" in str(err) or "truncated" in str(err)  # a WAV header, cut at 64
        return True
    return False


class AudioView:
    """Shows one column of audio, from file paths or bytes, with play/pause on ``p``.

    Parameters
    ----------
    column : str
        The column holding the audio.
    root : str or Path, optional
        Folder that relative paths are read from (default: the working folder).
    byte_cap : int, default 5_000_000
        The largest file shown, in bytes (the card holds ``buffer`` items at once).
    label : str, optional
        The player's accessible name; by default the column name.

    Examples
    --------
    >>> lab = nbl.Labeller(df, show="path", answer=nbl.Caption(),
    ...                    view=nbl.AudioView("path"))
    """

    def __init__(
        self,
        column: str,
        *,
        root: str | Path | None = None,
        byte_cap: int = 5_000_000,
        label: str | None = None,
    ) -> None:
        if byte_cap < 1_000:
            raise ValueError("byte_cap= must be at least 1,000 bytes")
        self.column = column
        self.root = None if root is None else Path(root)
        self.byte_cap = int(byte_cap)
        self.label = column if label is None else label

    def _read(self, value: Any) -> bytes:
        if isinstance(value, (bytes, bytearray, memoryview)):
            data = bytes(value)
        elif isinstance(value, (str, Path)):
            text = str(value).strip()
            if text.startswith(("http://", "https://")):
                raise AudioReadError("URLs are not fetched; download the file and give its path")
            path = Path(text).expanduser()
            if self.root is not None and not path.is_absolute():
                path = self.root / path
            if not path.is_file():
                raise AudioReadError(f"no such file: {path}")
            if path.stat().st_size > self.byte_cap:
                raise AudioReadError(
                    f"the file has {path.stat().st_size:,} bytes, more than "
                    f"byte_cap={self.byte_cap:,}"
                )
            data = path.read_bytes()
        else:
            raise AudioReadError(f"a {type(value).__name__} is not audio")
        if len(data) > self.byte_cap:
            raise AudioReadError(
                f"the audio has {len(data):,} bytes, more than byte_cap={self.byte_cap:,}"
            )
        return data

    def block(self, value: Any) -> dict[str, Any]:
        """One audio block, or a ``missing`` block that says why the audio is not shown."""
        if not isinstance(value, (bytes, bytearray, memoryview)) and is_missing(value):
            return {"kind": "missing", "text": "(missing audio)"}
        try:
            data = self._read(value)
            mime, seconds = sniff_audio(data)
        except AudioReadError as err:
            reason = str(err)
            return {"kind": "missing", "text": f"audio could not be read: {reason}",
                    "problem": reason}  # fmt: skip
        return {
            "kind": "audio",
            "src": f"data:{mime};base64," + base64.b64encode(data).decode("ascii"),
            "mime": mime,
            "label": self.label,
            "seconds": None if seconds is None else round(seconds, 3),
        }

    #: The card lists its play/pause key for views that show audio.
    plays_audio = True

    def render(self, row: dict[str, Any]) -> list[dict[str, Any]]:
        """The blocks for one row: the player (or a placeholder with the reason)."""
        return [self.block(row[self.column])]
