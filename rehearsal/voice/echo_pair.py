"""Echo cancellation for one call: the one function that puts the canceller between a call's
speaker and its microphone (`with_echo_cancellation`), called where a call's engines are put
together.

- The speaker's far-end tap (`SoundDeviceSpeaker.on_block`: every block written, silence
  included, stamped with its DAC time) feeds the canceller from the audio callback, which only
  queues.
- The microphone is wrapped (`CallMicrophone`): each chunk is cleaned on the call thread before
  voice activity, turn ending and recognition see it.
- While the canceller is still learning the room (the first LEARN_S of the manager's voice)
  `echo_gate` asks the ear for a stricter echo gate: the caller must reach the manager's own
  level, not half of it, to count as speaking over them (docs/echo.md, "The first seconds").
- The echo is measured during the call (the delay estimator's peak gives its level), and when
  it is too loud for what is installed the call says once, plainly, what to do (the advice of
  the Settings echo test). With echo cancellation off or not installed the timing and the meter
  still run (`Unprocessed`), so the call can still say "use headphones".

A speaker without a tap (a test fake, another engine) has no far end to cancel with: the pair
is returned as it was.
"""

from __future__ import annotations

from collections.abc import Callable

from rehearsal.settings import Settings
from rehearsal.voice.echo import Unprocessed, WebRtcEchoCanceller, create_echo_canceller
from rehearsal.voice.echo_check import Advice, EchoReport, advise, canceller_installed, remembered_delay_ms
from rehearsal.voice.echo_devices import EchoCancelledMicrophone
from rehearsal.voice.interfaces import AudioChunk, Microphone, Speaker, VoiceUnavailable

LEARNING_GATE = 2.0  # the echo gate's factor while the canceller learns (0.5 x 2: the manager's own level)
ECHO_MATTERS_DB = -20.0  # echo below this never reaches the usual gate (half the manager's level, -6 dB)
RESIDUE_MARGIN = 3.0  # once learnt, the gate stands this far above the echo left after cancelling
MIN_GATE = 0.1  # ... but never below a tenth of the usual gate (the room's noise gate still applies)
AGREE_DB = 3.0  # two echo readings this close are believed
WARN_ADVICE = (Advice.LOWER_VOLUME, Advice.HEADPHONES)


class CallMicrophone(EchoCancelledMicrophone):
    """A call's microphone with the canceller in front, an echo meter, and the gate hint."""

    def __init__(self, microphone: Microphone, canceller: WebRtcEchoCanceller, *, cancelling: bool,
                 warn: Callable[[str], None] | None = None) -> None:
        super().__init__(microphone, canceller)
        self.cancelling = cancelling  # False: the meter only (echo cancellation off or missing)
        self._warn = warn
        self._seen = 0
        self._readings: list[float] = []  # the echo's level, each time it was measured
        self._echo_ever = False  # echo found at some point in this call
        self.advice: Advice | None = None  # set once the echo was measured (and said, if it matters)

    @property
    def echo_gate(self) -> float:
        """How much stricter (>1) or laxer (<1) than usual the echo gate should be right now.

        The usual gate (half the manager's level) is meant for the raw echo. While the canceller
        learns it is doubled once echo has been measured (the first reading comes ~1.5 s into the
        manager's voice; before it, and with no echo, the usual gate); once learnt, it is set RESIDUE_MARGIN above what is left of the echo
        in the canceller's bad moments (the 80th percentile of its output over the far end, per 100 ms block), because AEC3 ducks the caller by 6-20 dB while
        both talk and the usual gate then hid a caller talking over the manager.
        """
        if not self.cancelling:
            return 1.0
        c = self.canceller
        if c.learning:  # strict only once echo was found: with none (headphones) it hid a barge-in
            return LEARNING_GATE if self._echo_found else 1.0
        residue_db = c.residue_db  # measured on the output itself: the echo's own level may be stale
        if c.echo_db is None or residue_db is None:
            return 1.0
        residue = 10 ** (residue_db / 20)  # of the manager's level
        return min(1.0, max(MIN_GATE, 2 * RESIDUE_MARGIN * residue))

    def read(self, timeout: float) -> AudioChunk | None:
        raw: list[AudioChunk] = []
        self._on_raw = raw.append
        chunk = super().read(timeout)
        if chunk is None:
            return None
        if self.advice is None:
            self._check_echo()
        c = self.canceller
        self._echo_ever = self._echo_ever or self._echo_found
        if self.cancelling and not c.echo_undecided and (not self._echo_ever or (c.learning and not self._echo_found)):
            # The microphone as it is while no echo is found: AEC3 ducks a caller who talks over the
            # far end even with no echo to remove, before it has learnt (a barge-in 0.6 s into the
            # first line was lost) and after (a caller going on after a false end was heard 8 dB
            # down, under the gate, in 4 of 23 resumes: docs/turn-taking.md, session 9). Once learnt,
            # only in a call where echo was never found: a later reading can be low with the echo
            # still there (-22 dB read at a -9 dB loop), and the raw echo then stopped lines. AEC3
            # still runs, so echo that appears later (headphones unplugged) is found and cleaned.
            # While the quick check decides (the first ~0.1-0.4 s of the manager), the cleaned
            # signal: the raw echo of a loud speaker had stopped the first line there in 6 of 6
            # calls at -6 and 0 dB.
            return raw[0]
        return chunk

    @property
    def _echo_found(self) -> bool:
        echo_db = self.canceller.echo_db
        return echo_db is not None and echo_db >= ECHO_MATTERS_DB

    def _check_echo(self) -> None:
        """Once two readings of the echo agree (any two: the caller talking over one reading must not
        keep the next from counting), decide the advice; say it if it asks something of the user."""
        if self.canceller.echo_measurements == self._seen:
            return
        self._seen = self.canceller.echo_measurements
        level = self.canceller.echo_db
        if level is None:
            return
        agreeing = [r for r in self._readings if abs(r - level) <= AGREE_DB]
        self._readings.append(level)
        if not agreeing:
            return
        level = max(level, *agreeing)
        self.advice = advise(level, self.cancelling)
        if self.advice in WARN_ADVICE and self._warn is not None:
            report = EchoReport(level, self.canceller.delay_ms, self.advice, self.cancelling or canceller_installed())
            off = "" if self.cancelling or not canceller_installed() else (
                " Echo cancellation is installed but switched off (Settings, echo_cancellation).")
            self._warn(report.message + off)


def with_echo_cancellation(speaker: Speaker | None, microphone: Microphone | None, settings: Settings,
                           warn: Callable[[str], None] | None = None) -> tuple[Speaker | None, Microphone | None]:
    """The call's speaker and microphone with echo cancellation between them, as `settings` say.

    `warn` gets a sentence for the person, at most once for a missing engine (echo_cancellation
    "on" but not installed) and once for an echo too loud for what is installed. Safe to call
    twice: an already wrapped microphone is returned as it is.
    """
    if speaker is None or microphone is None or settings.input_mode != "voice":
        return speaker, microphone
    if isinstance(microphone, CallMicrophone) or not hasattr(speaker, "on_block"):
        return speaker, microphone
    canceller = None
    if settings.echo_cancellation != "off":
        try:
            canceller = create_echo_canceller(settings.echo_cancellation)
        except VoiceUnavailable as exc:  # "on" and not installed: say so, meter only
            if warn is not None:
                warn(str(exc))
    cancelling = isinstance(canceller, WebRtcEchoCanceller)
    if not cancelling:
        canceller = WebRtcEchoCanceller(Unprocessed())
    delay_ms = remembered_delay_ms(settings)  # the Settings echo test's, on these devices
    if delay_ms is not None:
        canceller.set_delay_ms(delay_ms)  # the first guess, until the call measures its own
    wrapped = CallMicrophone(microphone, canceller, cancelling=cancelling, warn=warn)
    speaker.on_block = canceller.far_end
    return speaker, wrapped
