"""The manager's voice through the real pyttsx3 + espeak-ng (skipped where espeak-ng is missing)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor

import pytest

from rehearsal.media import rms
from rehearsal.voice.interfaces import VoiceSpec

tts = pytest.importorskip("rehearsal.voice.tts")


@pytest.fixture(scope="module")
def synth():
    try:
        return tts.create_pyttsx3()
    except tts.VoiceUnavailable as exc:
        pytest.skip(str(exc))


def test_renders_a_line_as_22khz_speech(synth):
    audio = synth.render("Thanks for calling, how can I help?", VoiceSpec())
    assert audio.rate == 22_050
    assert 1.0 < audio.seconds < 5.0
    assert rms(audio.pcm) > 0.02


def test_voice_hints_change_the_sound(synth):
    text = "We decided to go with another candidate."
    slow = synth.render(text, VoiceSpec(rate=110))
    fast = synth.render(text, VoiceSpec(rate=300))
    assert slow.seconds > fast.seconds * 1.8
    low = synth.render(text, VoiceSpec(rate=200, pitch=10))
    high = synth.render(text, VoiceSpec(rate=200, pitch=90))
    assert low.pcm != high.pcm
    british = synth.render(text, VoiceSpec(voice="en-gb", rate=200))
    assert british.pcm != synth.render(text, VoiceSpec(voice="en-us", rate=200)).pcm


def test_repeated_lines_come_from_the_cache(synth):
    spec = VoiceSpec(rate=170)
    first = synth.render("Keep an eye on our postings. Thanks.", spec)
    said = []
    synth._say, real_say = (lambda sentence, spec: said.append(sentence)), synth._say
    try:
        assert synth.render("Keep an eye on our postings. Thanks.", spec) == first
    finally:
        synth._say = real_say
    assert not said  # both sentences came from the cache


def test_concurrent_renders_each_get_their_own_line(synth):
    texts = [f"Line number {n}, " + "word " * n for n in range(1, 9)]
    with ThreadPoolExecutor(4) as pool:
        audios = list(pool.map(lambda t: synth.render(t, VoiceSpec(rate=200)), texts))
    lengths = [a.seconds for a in audios]
    assert lengths == sorted(lengths)  # more words, longer audio: no line got another's text
    assert all(rms(a.pcm) > 0.02 for a in audios)


def _run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60)


def test_first_render_in_a_fresh_process_is_complete_and_quiet():
    out = _run_python("""
        from rehearsal.voice.tts import create_pyttsx3
        from rehearsal.voice.interfaces import VoiceSpec
        audio = create_pyttsx3().render("Hello, this is the very first line.", VoiceSpec())
        print(round(audio.seconds, 2))
    """)
    if "espeak-ng" in out.stderr:
        pytest.skip("espeak-ng is not installed")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().count("\n") == 0, f"pyttsx3 noise on stdout: {out.stdout!r}"
    assert float(out.stdout) > 1.0


def test_missing_espeak_gets_the_install_hint():
    out = _run_python("""
        import ctypes
        def missing(name):
            raise OSError(f"{name}: cannot open shared object file")
        ctypes.cdll.LoadLibrary = missing
        from rehearsal.voice.tts import create_synthesizer
        from rehearsal.settings import Settings
        from rehearsal.voice.interfaces import VoiceUnavailable
        try:
            create_synthesizer(Settings(voice_engine="pyttsx3"))
        except VoiceUnavailable as exc:
            print(exc)
    """)
    assert out.returncode == 0, out.stderr
    assert "sudo apt-get install espeak-ng" in out.stdout
    assert "shown as text" in out.stdout


def test_voice_hints_may_name_a_language_and_unknown_ones_fall_back(synth):
    import pyttsx3.drivers.espeak as espeak_driver

    ids = tts._voice_ids(espeak_driver.EspeakDriver)
    assert ids["en-gb"] == ids["english (great britain)"] == ids["gmw/en"] == "gmw/en"
    assert ids["en-us"] == "gmw/en-us"
    text = "Thanks for calling."
    assert synth.render(text, VoiceSpec(voice="en-gb")).pcm != synth.render(text, VoiceSpec(voice="en-us")).pcm
    unknown = synth.render(text, VoiceSpec(voice="no-such-voice", rate=180))
    default = synth.render(text, VoiceSpec(rate=180))
    assert unknown.seconds == pytest.approx(default.seconds, rel=0.1) and rms(unknown.pcm) > 0.02


def test_a_list_of_voices_takes_the_first_espeak_knows(synth):
    """Personas name Piper voices first; espeak-ng takes their language, or the next fallback."""
    import pyttsx3.drivers.espeak as espeak_driver

    voice = tts._Voice(espeak_driver.EspeakDriver)
    assert voice.resolve("en_GB-alan-medium, en-us") == "gmw/en"  # a Piper name counts as its language
    assert voice.resolve("no-such-voice, en-gb") == "gmw/en"
    assert voice.resolve("en-us") == "gmw/en-us" and voice.resolve(None) == tts.DEFAULT_VOICE
