# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""IVR prompt files in Asterisk's sounds folder, plain Python (no ORM).

The IVR plays ``hotline/<language>/<code>``: Asterisk looks for
``<sounds dir>/hotline/<language>/<code>.<ext>`` in a format it has a module
for. The ones accepted here need no transcoding module beyond Asterisk's core
formats:

- ``.wav``: RIFF/WAVE, PCM (format 1), mono, 8000 Hz, 16 bits, as
  ``formats/format_wav.c`` ``check_header_fmt()`` demands for ``.wav``
  (16 kHz files are ``.wav16`` there, so refused here);
- ``.gsm``, ``.ulaw``, ``.alaw``, ``.sln`` (``format_gsm``, ``format_pcm``,
  ``format_sln``): headerless, recognised by their extension only.

Odoo owns the ``hotline`` folder under the sounds directory: :func:`sync`
writes each file atomically (a hidden temporary file in the same folder, then
``os.replace``), removes the other formats of the same prompt, and removes
files no prompt has any more. Nothing is written outside
``<sounds dir>/hotline``: codes, languages and extensions are checked and the
resolved paths compared.
"""

import contextlib
import os
import re
import struct
import tempfile
import time

SUBDIR = "hotline"
LANGUAGES = ("zh_CN", "en_US")
RAW_EXTENSIONS = ("gsm", "ulaw", "alaw", "sln")
EXTENSIONS = ("wav",) + RAW_EXTENSIONS
_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_TMP_PREFIX = ".hotline-"
_TMP_SUFFIX = ".tmp"
STALE_TMP_SECONDS = 3600


class SoundFileError(ValueError):
    """An upload Asterisk cannot play, or a path outside the sounds folder."""


# -- formats ---------------------------------------------------------------------
def check_wav(data):
    """Raise :class:`SoundFileError` unless ``data`` is an 8 kHz 16-bit mono
    PCM WAV file (the RIFF header and its ``fmt `` chunk)."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise SoundFileError("not a RIFF/WAVE file")
    pos = 12
    fmt = None
    while pos + 8 <= len(data):
        chunk, size = (
            data[pos : pos + 4],
            struct.unpack("<I", data[pos + 4 : pos + 8])[0],
        )
        body = data[pos + 8 : pos + 8 + size]
        if chunk == b"fmt ":
            if len(body) < 16:
                raise SoundFileError("the fmt chunk is too short")
            fmt = struct.unpack("<HHIIHH", body[:16])
        elif chunk == b"data":
            if fmt is None:
                raise SoundFileError("the data chunk comes before the fmt chunk")
            break
        pos += 8 + size + (size & 1)  # chunks are word-aligned
    if fmt is None:
        raise SoundFileError("no fmt chunk")
    audio_format, channels, rate, _byte_rate, _align, bits = fmt
    if audio_format != 1:
        raise SoundFileError(f"not PCM (format {audio_format})")
    if channels != 1:
        raise SoundFileError(f"{channels} channels, Asterisk wants mono")
    if rate != 8000:
        raise SoundFileError(f"{rate} Hz, Asterisk's .wav wants 8000 Hz")
    if bits != 16:
        raise SoundFileError(f"{bits} bits per sample, Asterisk wants 16")


def sound_extension(filename, data):
    """The extension Asterisk plays ``data`` under, from the uploaded file's
    name; raises :class:`SoundFileError` for other formats or a bad WAV."""
    ext = os.path.splitext(filename or "")[1].lstrip(".").lower()
    if ext not in EXTENSIONS:
        raise SoundFileError(
            f"unsupported file type {ext or '(none)'!r}: use "
            + ", ".join(f".{e}" for e in EXTENSIONS)
        )
    if not data:
        raise SoundFileError("the file is empty")
    if ext == "wav":
        check_wav(data)
    return ext


def wav_bytes(pcm=b"", rate=8000, channels=1, bits=16):
    """A WAV file around ``pcm`` (tests, tools)."""
    align = channels * bits // 8
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * align, align, bits)
    return (
        b"RIFF"
        + struct.pack("<I", 4 + 8 + len(fmt) + 8 + len(pcm))
        + b"WAVE"
        + b"fmt "
        + struct.pack("<I", len(fmt))
        + fmt
        + b"data"
        + struct.pack("<I", len(pcm))
        + pcm
    )


# -- paths -----------------------------------------------------------------------
def _root(base_dir):
    """``<base_dir>/hotline``, resolved; the sounds folder must exist."""
    if not base_dir or not os.path.isabs(base_dir):
        raise SoundFileError(
            f"the sounds directory must be an absolute path: {base_dir!r}"
        )
    if not os.path.isdir(base_dir):
        raise SoundFileError(f"the sounds directory {base_dir} does not exist")
    return os.path.join(os.path.realpath(base_dir), SUBDIR)


def _lang_dir(root, lang, create=False):
    if lang not in LANGUAGES:
        raise SoundFileError(f"unknown language {lang!r}")
    folder = os.path.join(root, lang)
    if create:
        os.makedirs(folder, mode=0o755, exist_ok=True)
    if os.path.exists(folder) and os.path.realpath(folder) != os.path.join(
        os.path.realpath(root), lang
    ):
        raise SoundFileError(f"{folder} leads out of {root}")
    return folder


def sound_path(base_dir, lang, code, ext):
    """``<base_dir>/hotline/<lang>/<code>.<ext>``, checked."""
    if not _CODE_RE.match(code or ""):
        raise SoundFileError(f"invalid prompt code {code!r}")
    if ext not in EXTENSIONS:
        raise SoundFileError(f"invalid extension {ext!r}")
    return os.path.join(_lang_dir(_root(base_dir), lang), f"{code}.{ext}")


# -- writing ---------------------------------------------------------------------
def _same_content(path, data):
    try:
        if os.path.islink(path) or os.path.getsize(path) != len(data):
            return False
        with open(path, "rb") as f:
            return f.read() == data
    except OSError:
        return False


def _write_atomic(folder, name, data):
    fd, tmp = tempfile.mkstemp(prefix=_TMP_PREFIX, suffix=_TMP_SUFFIX, dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, os.path.join(folder, name))
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _remove(path, removed):
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
        removed.append(path)


def sync(base_dir, prompts, keep=None):
    """Bring ``<base_dir>/hotline`` up to date.

    ``prompts``: the prompts that changed, each
    ``{"code": str, "active": bool, "sounds": {lang: (ext, bytes)}}``; their
    files are written (unless identical) or removed (archived prompt, language
    without audio), and their other formats removed.
    ``keep``: when given, ``{lang: {code: ext}}`` of every prompt that has
    audio: any other prompt file in the folder is removed (deleted prompts,
    renamed codes), with leftover temporary files.

    Returns ``{"written": [paths], "unchanged": n, "removed": [paths]}``.
    Raises :class:`SoundFileError` for a bad code, language or folder and
    ``OSError`` when the disk refuses.
    """
    root = _root(base_dir)
    result = {"written": [], "unchanged": 0, "removed": []}
    for prompt in prompts:
        code = prompt["code"]
        if not _CODE_RE.match(code or ""):
            raise SoundFileError(f"invalid prompt code {code!r}")
        sounds = (prompt.get("sounds") or {}) if prompt.get("active", True) else {}
        for lang in LANGUAGES:
            wanted = sounds.get(lang)
            folder = _lang_dir(root, lang, create=bool(wanted))
            if wanted:
                ext, data = wanted
                path = sound_path(base_dir, lang, code, ext)
                if _same_content(path, data):
                    result["unchanged"] += 1
                else:
                    _write_atomic(folder, f"{code}.{ext}", data)
                    result["written"].append(path)
            for other in EXTENSIONS:
                if not wanted or other != wanted[0]:
                    _remove(os.path.join(folder, f"{code}.{other}"), result["removed"])
    if keep is not None:
        _prune(root, keep, result["removed"])
    return result


def _prune(root, keep, removed):
    for lang in LANGUAGES:
        folder = _lang_dir(root, lang)
        if not os.path.isdir(folder):
            continue
        wanted = keep.get(lang) or {}
        for name in os.listdir(folder):
            path = os.path.join(folder, name)
            if name.startswith(_TMP_PREFIX) and name.endswith(_TMP_SUFFIX):
                # left by a write that died; a young one may be another
                # writer's (Odoo's "Sync now" and the connector) in flight
                with contextlib.suppress(OSError):
                    if time.time() - os.path.getmtime(path) > STALE_TMP_SECONDS:
                        _remove(path, removed)
                continue
            code, dot, ext = name.rpartition(".")
            if not dot or ext not in EXTENSIONS or not os.path.isfile(path):
                continue  # not ours: left alone
            if wanted.get(code) != ext:
                _remove(path, removed)
