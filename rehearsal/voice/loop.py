"""The voice call: speak the manager's line, listen to the reply, score it, go on.

`CallRunner` drives a `Call` in a background thread and reports every step as a
`rehearsal.call.events` event. Controls (typed replies, push-to-talk, skip, retry, hang up)
may come from any thread: they are queued and picked up between 20 ms audio chunks.

Time inside a turn is counted in microphone audio (seconds of samples read), not wall
time, so silence, prompts and time limits mean the same with a real device and with the
sped-up fakes the tests use.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from rehearsal.call import events as ev
from rehearsal.call.engine import Call
from rehearsal.scenario.model import VoiceHints
from rehearsal.settings import Settings
from rehearsal.voice.interfaces import (
    SAMPLE_RATE,
    Audio,
    AudioChunk,
    Endpointer,
    Microphone,
    Playback,
    Recognizer,
    Speaker,
    Synthesizer,
    VoiceSpec,
    VoiceUnavailable,
)
from rehearsal.voice.reply import Reply, looks_unfinished

log = logging.getLogger(__name__)

NUDGE = "Hello? Are you still there?"
LEVEL_EVERY_S = 0.05  # ~20 level events a second is plenty for a meter
PREROLL_CHUNKS = 25  # audio kept from before a barge-in is detected (~0.5 s)
READ_TIMEOUT_S = 0.05
HOLD_AFTER_MS = 120  # trailing silence past this is fed to the recogniser only if speech resumes
SETTLE_LEAD_MS = 250  # finishing the words takes Vosk ~100-200 ms on a busy machine
MIN_SETTLE_MS = 200  # but not in the ~150 ms pause at a comma: restarting costs more than it saves

RecognizerProvider = Callable[[], Recognizer | None]


class _Interrupt(Exception):
    """A control from the user that ends what the turn is doing."""


@dataclass
class _Typed(_Interrupt):
    text: str


class _Skip(_Interrupt):
    pass


class _Retry(_Interrupt):
    pass


class _HangUp(_Interrupt):
    pass


class CallRunner:
    def __init__(
        self,
        call: Call,
        sink: ev.EventSink,
        *,
        synthesizer: Synthesizer | None = None,
        speaker: Speaker | None = None,
        microphone: Microphone | None = None,
        recognizer: RecognizerProvider | None = None,
        endpointer_factory: Callable[[], Endpointer] | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.call = call
        self.settings = settings or Settings()
        self._sink = sink
        self._synth = synthesizer
        self._speaker = speaker
        self._mic = microphone if self.settings.input_mode == "voice" else None
        self._recognizer = recognizer
        self._endpointer = endpointer_factory() if endpointer_factory and self._mic else None
        if self._mic and self._endpointer is None:
            from rehearsal.voice.endpoint import create_endpointer

            self._endpointer = create_endpointer(self.settings)
        self._commands: queue.Queue[tuple[str, str]] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="call-runner", daemon=True)
        self._ahead = ThreadPoolExecutor(max_workers=1, thread_name_prefix="render-ahead")
        self._playback: Playback | None = None
        self._audio_s = 0.0  # microphone audio read so far
        self._talking = False
        self._stop_talking = False
        self._last_level = 0.0
        self._recognizer_warned = False
        self._ended_at = 0.0
        self._reply: Reply | None = None

    # -- controls, callable from any thread -------------------------------------------

    def start(self) -> None:
        self._thread.start()

    def submit_text(self, text: str) -> None:
        self._commands.put(("text", text))

    def talk(self) -> None:
        self._commands.put(("talk", ""))

    def stop_talking(self) -> None:
        self._commands.put(("stop_talking", ""))

    def skip(self) -> None:
        self._commands.put(("skip", ""))

    def retry(self) -> None:
        self._commands.put(("retry", ""))

    def hang_up(self) -> None:
        self._commands.put(("hang_up", ""))

    def join(self, timeout: float | None = None) -> bool:
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    # -- the call ----------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._open_microphone()
            self._ahead.submit(self._render_quietly, NUDGE, self.call.current_id)
            while True:
                if self.call.finished:
                    if self._closing():
                        break
                    continue
                self._turn()
        except Exception as exc:  # noqa: BLE001 - a person gets a sentence, never a traceback
            self._emit(ev.Notice("error", f"The call stopped because of an internal error ({exc}). "
                                          "Your replies so far are kept; start the call again to go on."))
            self.call.hang_up()
            self._emit(ev.CallEnded(self.call.result()))
        finally:
            self._stop_playback()
            if self._reply is not None:
                self._transcribe(self._reply, quiet=True)
            if self._mic is not None:
                self._mic.stop()
            self._ahead.shutdown(wait=False, cancel_futures=True)

    def _closing(self) -> bool:
        """Speak the end turn (unless hung up); True when the call is over."""
        if self.call.result().end_reason != "hung_up":
            try:
                self._speak(self.call.current_id, self.call.manager_line)
            except _Retry:
                self._do_retry()
                return False
            except _Interrupt:
                self._stop_playback()
        self._emit(ev.CallEnded(self.call.result()))
        return True

    def _turn(self) -> None:
        turn_id = self.call.current_id
        self._reply = None
        try:
            barged = self._speak(turn_id, self.call.manager_line)
            self._listen(turn_id, barged)
        except _Typed as typed:
            self._stop_playback()
            self._report_partial(turn_id)
            self._emit(ev.ReplyHeard(turn_id, _transcript(typed.text)))
            self._score(typed.text)
        except _Skip:
            self._stop_playback()
            self._report_partial(turn_id)
            self._emit(ev.TurnScored(self.call.skip()))
        except _Retry:
            self._do_retry()
        except _HangUp:
            self._stop_playback()
            self._report_partial(turn_id)
            self.call.hang_up()

    def _do_retry(self) -> None:
        self._stop_playback()
        reply, self._reply = self._reply, None
        if reply is not None:
            self._transcribe(reply, quiet=True)  # taken back: stop its recognition, report nothing
        if self.call.records:
            self.call.retry_last()
            self._emit(ev.Notice("info", "Taking that turn again."))

    # -- speaking ----------------------------------------------------------------------

    def _speak(self, turn_id: str, text: str, *, listening: bool = False, nudge: bool = False) -> list[AudioChunk] | None:
        """Say a line. Returns the audio heard so far when the caller barged in, else None.

        While `listening` (a nudge) every chunk heard also goes to the reply being recorded.
        """
        audio = self._render(text, turn_id)
        self._emit(ev.Prompted(turn_id, text) if nudge else ev.ManagerSpeaking(turn_id, text, audio))
        playback = self._play(audio)
        if playback is None:
            self._emit(ev.ManagerDone(turn_id))
            return None
        if self._endpointer is not None and not listening:
            self._endpointer.reset()
        self._far_end(_level(audio))
        heard: deque[AudioChunk] = deque(maxlen=PREROLL_CHUNKS)
        try:
            while not playback.done:
                self._check_commands()
                if self._talking:
                    return self._barge_in(turn_id, playback, list(heard))
                chunk = self._read_mic()
                if chunk is None:
                    playback.wait(0.02)
                    continue
                heard.append(chunk)
                if listening:
                    self._feed(chunk)
                if self._endpointer and self._endpointer.feed(chunk) == "speech_start" and self._auto:
                    return self._barge_in(turn_id, playback, list(heard))
        finally:
            self._far_end(None)
        self._playback = None
        self._emit(ev.ManagerDone(turn_id))
        return None

    def _far_end(self, level: float | None) -> None:
        """Tell the endpointer how loud the manager is playing, so their echo is not taken for the caller."""
        if self._endpointer is not None and hasattr(self._endpointer, "set_far_end"):
            self._endpointer.set_far_end(level)

    def _barge_in(self, turn_id: str, playback: Playback, heard: list[AudioChunk]) -> list[AudioChunk]:
        playback.stop()
        self._playback = None
        self._emit(ev.ManagerDone(turn_id, interrupted=True))
        return heard

    def _spec(self, turn_id: str) -> VoiceSpec:
        """The voice of whoever says this turn (the manager, or e.g. their assistant)."""
        return voice_spec(self.call.scenario.speaker(turn_id).voice, self.settings)

    def _render(self, text: str, turn_id: str) -> Audio | None:
        if self._synth is None:
            return None
        try:
            return self._synth.render(text, self._spec(turn_id))
        except VoiceUnavailable as exc:
            self._synth = None
            self._emit(ev.Notice("warning", str(exc)))
        except Exception as exc:  # noqa: BLE001
            self._synth = None
            self._emit(ev.Notice("warning", f"The manager's voice failed ({exc}); their lines are shown as text."))
        return None

    def _render_quietly(self, text: str, turn_id: str) -> None:
        synth = self._synth
        if synth is not None:
            try:
                synth.render(text, self._spec(turn_id))
            except Exception:  # noqa: BLE001 - the real render reports it when the line is due
                pass

    def _render_ahead(self) -> None:
        """Render every line the manager may say next, so the answer comes without a pause."""
        turn = self.call.current
        for branch in turn.next or []:
            target = self.call.scenario.turns.get(branch.goto)
            if target is not None:
                self._ahead.submit(self._render_quietly, target.text, branch.goto)

    def _play(self, audio: Audio | None) -> Playback | None:
        if audio is None or self._speaker is None:
            return None
        try:
            self._playback = self._speaker.play(audio)
        except Exception as exc:  # noqa: BLE001
            self._speaker = None
            message = str(exc) if isinstance(exc, VoiceUnavailable) else (
                f"The speaker could not play the manager's voice ({exc}); their lines are shown as text. "
                "Check the output device with `rehearsal devices`.")
            self._emit(ev.Notice("warning", message))
            return None
        return self._playback

    def _stop_playback(self) -> None:
        if self._playback is not None:
            self._playback.stop()
            self._playback = None

    # -- listening ---------------------------------------------------------------------

    @property
    def _auto(self) -> bool:
        return self.settings.end_mode == "auto"

    def _listen(self, turn_id: str, barged: list[AudioChunk] | None) -> None:
        time_limit = self.call.time_limit
        self._emit(ev.Listening(turn_id, time_limit))
        self._render_ahead()
        if self._mic is None:
            self._wait_typed()
        manager_end = listen_start = self._audio_s
        speech_at: float | None = None
        if barged is not None:
            speech_at = self._speech_started(turn_id, barged)
        # Silence before the reply is not recorded (the recogniser has enough to do), only
        # a short pre-roll, so the first syllable is not cut.
        before: deque[AudioChunk] = deque(maxlen=PREROLL_CHUNKS)
        prompted = False
        self._stop_talking = False
        while True:
            self._check_commands()
            if self._talking and speech_at is None:
                speech_at = self._speech_started(turn_id, [])
            chunk = self._read_mic()
            if self._mic is None:  # lost just now
                self._report_partial(turn_id)
                self._wait_typed()
            if chunk is None:
                continue
            event = self._endpointer.feed(chunk) if self._endpointer else None
            if self._reply is not None:
                self._reply.add(chunk, hold=event == "speech_end" or self._silence_ms() > HOLD_AFTER_MS)
                if event == "speech_end" or self._silence_ms() >= self._settle_after_ms():
                    self._reply.settle()
            else:
                before.append(chunk)
            if self._auto and event == "speech_start" and speech_at is None:
                speech_at = self._speech_started(turn_id, list(before))
            if speech_at is not None and self._reply_over(event, speech_at):
                break
            if time_limit is not None and self._audio_s - listen_start >= time_limit:
                break
            if speech_at is None and self._audio_s - listen_start >= self.settings.no_speech_prompt_s:
                if prompted:
                    break  # a second silence: the reply counts as silence
                prompted = True
                barged = self._speak(turn_id, NUDGE, listening=True, nudge=True)
                listen_start = manager_end = self._audio_s
                if barged is not None:
                    speech_at = self._speech_started(turn_id, barged)
        self._talking = False
        self._ended_at = time.monotonic()
        self._finish_reply(turn_id, manager_end, spoke=speech_at is not None)

    def _speech_started(self, turn_id: str, heard: list[AudioChunk]) -> float:
        if self._reply is None:
            self._begin_reply(turn_id, heard)
        self._reply.spoke = True
        self._reply.attach(self._get_recognizer())  # the model may have finished loading meanwhile
        self._emit(ev.SpeechStarted(turn_id))
        return self._audio_s

    def _silence_ms(self) -> int:
        """Trailing silence in the reply so far, as the endpointer counts it (auto mode only)."""
        return getattr(self._endpointer, "silence_ms", 0) if self._auto else 0

    def _settle_after_ms(self) -> int:
        """Start finishing the words this far into a pause, so they are ready when it ends the reply."""
        end_ms = getattr(self._endpointer, "trailing_silence_ms", self.settings.end_silence_ms)
        return max(MIN_SETTLE_MS, end_ms - SETTLE_LEAD_MS)

    def _reply_over(self, event: str | None, speech_at: float | None) -> bool:
        if self._stop_talking:
            return True
        if self._auto and event == "speech_end":
            return True
        return speech_at is not None and self._audio_s - speech_at >= self.settings.max_reply_s

    def _begin_reply(self, turn_id: str, heard: list[AudioChunk]) -> None:
        start_s = self._audio_s - sum(len(c.pcm) for c in heard) / 2 / SAMPLE_RATE
        self._reply = Reply(start_s, self._get_recognizer(),
                            on_partial=lambda text: self._on_partial(turn_id, text), on_error=self._on_recognizer_error)
        for chunk in heard:
            self._reply.add(chunk)

    def _feed(self, chunk: AudioChunk) -> None:
        if self._reply is not None:
            self._reply.add(chunk)

    def _on_partial(self, turn_id: str, text: str) -> None:
        """From the recognition thread: show the words, and wait longer if they trail off."""
        self._emit(ev.Partial(turn_id, text))
        if self._endpointer is not None and hasattr(self._endpointer, "set_unfinished"):
            self._endpointer.set_unfinished(looks_unfinished(text))

    def _on_recognizer_error(self, exc: Exception) -> None:
        self._emit(ev.Notice("error", f"Speech recognition failed ({exc}); the audio is kept. "
                                      "Type your reply to go on."))

    def _finish_reply(self, turn_id: str, manager_end: float, spoke: bool) -> None:
        reply = self._reply
        if reply is None or not spoke:
            self._reply = None
            if reply is not None:
                self._transcribe(reply, quiet=True)  # stop its recogniser; the noise is not a reply
            audio = reply.audio() if reply is not None else None
            self._emit(ev.ReplyHeard(turn_id, _transcript(""), audio))
            self._score("")
            return
        reply.attach(self._get_recognizer())
        transcript = self._transcribe(reply)
        log.debug("reply of %.1f s transcribed %.0f ms after its end was detected",
                  reply.seconds, (time.monotonic() - self._ended_at) * 1000)
        if transcript is None:  # heard but not understood: keep the audio, ask for the words
            self._report_partial(turn_id)
            self._wait_typed()
        self._reply = None
        self._emit(ev.ReplyHeard(turn_id, transcript, reply.audio()))
        latency = None
        if transcript.words:
            latency = max(0.0, reply.start_s + transcript.words[0].start - manager_end)
        self._score(transcript.text, words=transcript.words,
                    delivery=_measure(transcript.words, latency, reply.seconds))

    def _transcribe(self, reply: Reply, quiet: bool = False):
        try:
            transcript = reply.finish()
        except Exception as exc:  # noqa: BLE001
            if not quiet:
                self._on_recognizer_error(exc)
            return None
        if transcript is None and not quiet and not reply.failed and not self._recognizer_warned:
            self._emit(ev.Notice("warning", "The speech model is not ready, so this reply was recorded but "
                                            "not transcribed. Type it to go on."))
        return transcript

    def _report_partial(self, turn_id: str) -> None:
        """A reply cut short (device lost, typed over, skipped): report what was heard, once."""
        reply, self._reply = self._reply, None
        if reply is None:
            return
        transcript = self._transcribe(reply, quiet=True)  # also stops its recognition thread
        if reply.spoke:
            self._emit(ev.ReplyHeard(turn_id, transcript or _transcript(reply.partial_text()), reply.audio()))

    def _get_recognizer(self) -> Recognizer | None:
        if self._recognizer is None:
            return None
        try:
            return self._recognizer()
        except VoiceUnavailable as exc:
            self._recognizer = None
            self._recognizer_warned = True
            self._emit(ev.Notice("warning", str(exc)))
        return None

    def _wait_typed(self) -> None:
        """Wait for a typed reply (or skip, retry, hang up): they arrive as interrupts."""
        while True:
            self._check_commands(block=0.1)

    # -- scoring -----------------------------------------------------------------------

    def _score(self, text: str, **kwargs) -> None:
        if self.call.finished:
            return
        self._emit(ev.TurnScored(self.call.reply(text, **kwargs)))

    # -- plumbing ----------------------------------------------------------------------

    def _open_microphone(self) -> None:
        if self._mic is None:
            return
        try:
            self._mic.start()
        except Exception as exc:  # noqa: BLE001
            self._mic = None
            message = str(exc) if isinstance(exc, VoiceUnavailable) else (
                f"The microphone could not be opened ({exc}); type your replies. "
                "See `rehearsal devices` for the devices found.")
            self._emit(ev.Notice("warning", message))

    def _read_mic(self) -> AudioChunk | None:
        if self._mic is None:
            time.sleep(0.02)
            return None
        chunk = self._mic.read(READ_TIMEOUT_S)
        if chunk is None:
            if self._mic.error:
                self._emit(ev.Notice("error", self._mic.error))
                self._mic.stop()
                self._mic = None
            return None
        self._audio_s += len(chunk.pcm) / 2 / SAMPLE_RATE
        now = time.monotonic()
        if now - self._last_level >= LEVEL_EVERY_S:
            self._last_level = now
            self._emit(ev.Level(chunk.level))
        return chunk

    def _check_commands(self, block: float | None = None) -> None:
        """Apply queued controls; those that end what the turn is doing raise."""
        while True:
            try:
                name, arg = self._commands.get(timeout=block) if block else self._commands.get_nowait()
            except queue.Empty:
                return
            block = None
            if name == "talk":
                self._talking, self._stop_talking = True, False
            elif name == "stop_talking":
                self._stop_talking = True
            elif name == "text":
                raise _Typed(arg)
            elif name == "skip":
                raise _Skip()
            elif name == "retry":
                raise _Retry()
            elif name == "hang_up":
                raise _HangUp()

    def _emit(self, event: ev.Event) -> None:
        try:
            self._sink(event)
        except Exception:  # noqa: BLE001 - a broken display must not end the call
            pass


def voice_spec(hints: VoiceHints, settings: Settings) -> VoiceSpec:
    """A speaker's voice hints, with the user's own settings taking precedence."""
    return VoiceSpec(voice=settings.voice or hints.voice, rate=settings.rate or hints.rate, pitch=hints.pitch)


def _transcript(text: str):
    from rehearsal.voice.interfaces import Transcript

    return Transcript(text.strip())


def _level(audio: Audio | None) -> float | None:
    if audio is None:
        return None
    from rehearsal.voice.reply import rms

    return rms(audio.pcm)


def _measure(words, latency: float | None, seconds: float):
    try:
        from rehearsal.judging.delivery import measure
    except ImportError:
        return None
    return measure(words, latency_s=latency, audio_seconds=seconds)
