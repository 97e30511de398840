"""IVR prompt files: formats Asterisk plays, atomic writes inside the folder."""

import os
import stat
import time
from pathlib import Path

import pytest
from pbx import sound_files
from pbx.sound_files import SoundFileError, sound_extension, sync, wav_bytes

WAV = wav_bytes(b"\x01\x00" * 160)


def prompt(code, active=True, **sounds):
    return {"code": code, "active": active, "sounds": sounds}


def files(base):
    out = {}
    root = base / "hotline"
    for lang_dir in sorted(root.iterdir()) if root.exists() else []:
        for f in sorted(lang_dir.iterdir()):
            out[f"{lang_dir.name}/{f.name}"] = f.read_bytes()
    return out


def test_wav_header_checked_like_format_wav():
    assert sound_extension("hello.WAV", WAV) == "wav"
    # a LIST chunk before fmt, odd-sized: skipped, word-aligned
    odd = b"LIST" + (3).to_bytes(4, "little") + b"abc\0"
    with_list = WAV[:12] + odd + WAV[12:]
    assert sound_extension("x.wav", with_list) == "wav"
    for data, reason in (
        (wav_bytes(b"", rate=16000), "16000 Hz"),
        (wav_bytes(b"", rate=44100), "44100 Hz"),
        (wav_bytes(b"", channels=2), "2 channels"),
        (wav_bytes(b"", bits=8), "8 bits"),
        (WAV[:12] + b"data" + WAV[36:], "data chunk comes before"),
        (b"RIFF\0\0\0\0WAVE", "no fmt chunk"),
        (b"OggS" + WAV[4:], "not a RIFF/WAVE"),
        (WAV[:20] + (3).to_bytes(2, "little") + WAV[22:], "not PCM"),
    ):
        with pytest.raises(SoundFileError, match=reason):
            sound_extension("x.wav", data)


def test_raw_formats_by_extension_only():
    for ext in ("gsm", "ulaw", "alaw", "sln"):
        assert sound_extension(f"a.b.{ext.upper()}", b"\x00\x01") == ext
    for name in ("a.mp3", "a.ogg", "a.wav16", "a", "", None):
        with pytest.raises(SoundFileError, match="unsupported file type"):
            sound_extension(name, b"data")
    with pytest.raises(SoundFileError, match="empty"):
        sound_extension("a.gsm", b"")


def test_sync_writes_replaces_removes(tmp_path):
    result = sync(
        str(tmp_path),
        [prompt("welcome", zh_CN=("wav", WAV), en_US=("gsm", b"G" * 33))],
    )
    assert files(tmp_path) == {
        "en_US/welcome.gsm": b"G" * 33,
        "zh_CN/welcome.wav": WAV,
    }
    assert len(result["written"]) == 2
    path = tmp_path / "hotline" / "zh_CN" / "welcome.wav"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    # same content: not rewritten
    inode = path.stat().st_ino
    again = sync(
        str(tmp_path),
        [prompt("welcome", zh_CN=("wav", WAV), en_US=("gsm", b"G" * 33))],
    )
    assert again["written"] == [] and again["unchanged"] == 2
    assert path.stat().st_ino == inode
    # en_US audio gone from the prompt: its file goes; new format replaces old
    result = sync(str(tmp_path), [prompt("welcome", zh_CN=("sln", b"\0\1"))])
    assert files(tmp_path) == {"zh_CN/welcome.sln": b"\0\1"}
    assert sorted(os.path.basename(p) for p in result["removed"]) == [
        "welcome.gsm",
        "welcome.wav",
    ]
    # archived: everything of it goes
    sync(str(tmp_path), [prompt("welcome", active=False, zh_CN=("sln", b"\0\1"))])
    assert files(tmp_path) == {}


def test_replace_is_atomic(tmp_path, monkeypatch):
    sync(str(tmp_path), [prompt("menu", zh_CN=("ulaw", b"old"))])
    target = tmp_path / "hotline" / "zh_CN" / "menu.ulaw"
    seen = []
    real_replace = os.replace

    def replace(src, dst):
        # just before the rename the old file is still whole, the new one
        # complete under a hidden temporary name in the same folder
        seen.append((target.read_bytes(), os.path.dirname(src), Path(src).read_bytes()))
        assert os.path.basename(src).startswith(".")
        real_replace(src, dst)

    monkeypatch.setattr(sound_files.os, "replace", replace)
    sync(str(tmp_path), [prompt("menu", zh_CN=("ulaw", b"new"))])
    assert seen == [(b"old", str(target.parent), b"new")]
    assert target.read_bytes() == b"new"

    def broken(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(sound_files.os, "replace", broken)
    with pytest.raises(OSError, match="disk full"):
        sync(str(tmp_path), [prompt("menu", zh_CN=("ulaw", b"newer"))])
    assert target.read_bytes() == b"new"
    assert sorted(os.listdir(target.parent)) == ["menu.ulaw"]  # no temp left


def test_prune_keeps_only_current_prompts(tmp_path):
    sync(
        str(tmp_path),
        [
            prompt("a", zh_CN=("wav", WAV)),
            prompt("b", zh_CN=("gsm", b"g"), en_US=("gsm", b"g")),
        ],
    )
    folder = tmp_path / "hotline" / "zh_CN"
    (folder / "README.txt").write_text("not a prompt")
    (folder / "old-code.wav").write_bytes(WAV)
    stale = folder / ".hotline-dead.tmp"
    stale.write_bytes(b"x")
    old = time.time() - 2 * sound_files.STALE_TMP_SECONDS
    os.utime(stale, (old, old))
    young = folder / ".hotline-writing.tmp"
    young.write_bytes(b"x")
    # its age from this process's clock, not the file system's (make test-clock-ahead)
    os.utime(young, (time.time(), time.time()))
    result = sync(str(tmp_path), [], keep={"zh_CN": {"a": "wav", "b": "gsm"}})
    assert sorted(os.listdir(folder)) == [
        ".hotline-writing.tmp",
        "README.txt",
        "a.wav",
        "b.gsm",
    ]
    assert not (tmp_path / "hotline" / "en_US" / "b.gsm").exists()
    assert len(result["removed"]) == 3


def test_never_outside_the_folder(tmp_path):
    base = tmp_path / "sounds"
    base.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    for bad in ("../x", "a/b", "", "..", "a b", "x" * 65):
        with pytest.raises(SoundFileError, match="invalid prompt code"):
            sync(str(base), [prompt(bad, zh_CN=("wav", WAV))])
    with pytest.raises(SoundFileError, match="unknown language"):
        sound_files.sound_path(str(base), "../../etc", "a", "wav")
    with pytest.raises(SoundFileError, match="invalid extension"):
        sound_files.sound_path(str(base), "zh_CN", "a", "sh")
    with pytest.raises(SoundFileError, match="absolute"):
        sync("relative/dir", [])
    with pytest.raises(SoundFileError, match="does not exist"):
        sync(str(tmp_path / "missing"), [])
    # a language folder that is a symlink out of the sounds folder
    (base / "hotline").mkdir()
    os.symlink(outside, base / "hotline" / "en_US")
    with pytest.raises(SoundFileError, match="leads out of"):
        sync(str(base), [prompt("a", en_US=("wav", WAV))])
    with pytest.raises(SoundFileError, match="leads out of"):
        sync(str(base), [], keep={})
    assert os.listdir(outside) == []
    assert not list(tmp_path.glob("*.wav"))
