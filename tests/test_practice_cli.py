"""`rehearsal practice --typed`: the whole call in a terminal, replies piped in."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

GOOD = [
    "Hi Dana, this is Sam. Thank you so much for taking my call, and thanks again for the interview.",
    "I was hoping you could share any feedback that would help me in future interviews.",
    "That's really helpful, thank you for being so candid.",
    "Thank you, I will keep an eye on your postings and I'd love to be considered in the spring.",
]


def practice(*args: str, replies: list[str] | bytes = (), timeout: float = 60) -> subprocess.CompletedProcess:
    data = replies if isinstance(replies, bytes) else ("\n".join(replies) + "\n" if replies else "").encode()
    return subprocess.run([sys.executable, "-m", "rehearsal", "practice", *args], input=data,
                          capture_output=True, timeout=timeout, env=os.environ.copy())


def test_a_good_call_completes_meets_its_target_and_is_saved():
    done = practice("follow-up-better-fit", "--typed", "--json", replies=GOOD)
    assert done.returncode == 0, done.stderr.decode()
    result = json.loads(done.stdout)
    assert result["end_reason"] == "completed"
    assert result["met_target"] is True
    assert [t["turn_id"] for t in result["turns"]] == ["greeting", "what_can_i_do", "better_fit", "postings"]
    assert result["closing_line"].startswith("That's great to hear")
    talk = done.stderr.decode()
    assert "Dana Whitfield: Dana Whitfield speaking." in talk and "Scorecard" in talk
    listed = subprocess.run([sys.executable, "-m", "rehearsal", "sessions", "list"], capture_output=True, text=True)
    assert "follow-up-better-fit" in listed.stdout or "better fit" in listed.stdout


def test_running_out_of_replies_ends_the_call_early_without_meeting_the_target():
    done = practice("follow-up-better-fit", "--typed", "--json", "--no-save", replies=GOOD[:1])
    assert done.returncode == 0
    result = json.loads(done.stdout)
    assert result["end_reason"] == "hung_up" and result["met_target"] is False
    assert "No more replies" in done.stderr.decode()


def test_an_empty_reply_is_judged_as_silence():
    done = practice("follow-up-better-fit", "--typed", "--json", "--no-save", replies=["", *GOOD[:1]])
    result = json.loads(done.stdout)
    first = result["turns"][0]
    assert first["verdict"]["silent"] is True and first["next_turn"] == "hello_again"


def test_replies_in_another_encoding_do_not_end_the_call():
    done = practice("follow-up-better-fit", "--typed", "--json", replies=b"Hi Dana, thanks \xff\xfe for taking my call\n")
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout)["turns"][0]["verdict"]["gratitude"]["detected"]
    assert b"Traceback" not in done.stderr


def test_an_unknown_scenario_lists_the_available_ones():
    done = practice("no-such-call", "--typed")
    assert done.returncode == 2
    err = done.stderr.decode()
    assert "follow-up-better-fit" in err and "voicemail" in err and "Traceback" not in err


def test_start_at_retries_one_turn_and_refuses_an_end_turn():
    done = practice("follow-up-better-fit", "--typed", "--json", "--no-save", "--start-at", "postings",
                    replies=["Thank you, I'll keep an eye on the postings."])
    assert done.returncode == 0
    assert json.loads(done.stdout)["turns"][0]["turn_id"] == "postings"
    refused = practice("follow-up-better-fit", "--typed", "--start-at", "warm_close")
    assert refused.returncode == 2 and "pick one of: greeting" in refused.stderr.decode()


def test_ctrl_c_ends_the_call_cleanly_with_a_scorecard():
    proc = subprocess.Popen([sys.executable, "-m", "rehearsal", "practice", "follow-up-better-fit", "--typed"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdin.write((GOOD[0] + "\n").encode())
    proc.stdin.flush()
    deadline = time.monotonic() + 30
    seen = b""
    while b"thanked" not in seen and time.monotonic() < deadline:  # the first cue: the call is under way
        seen += os.read(proc.stdout.fileno(), 4096)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert b"Call ended." in seen + out and b"Scorecard" in seen + out
    assert b"Traceback" not in err


def test_a_piped_question_mark_shows_the_hint_and_is_not_a_reply():
    done = practice("follow-up-better-fit", "--typed", "--json", "--no-save", replies=["?", *GOOD])
    assert done.returncode == 0, done.stderr.decode()
    result = json.loads(done.stdout)
    assert result["turns"][0]["reply"] == GOOD[0] and len(result["turns"]) == 4
    assert "Hint:" in done.stderr.decode()


def test_a_call_with_no_reply_is_not_kept_in_the_history():
    done = practice("follow-up-better-fit", "--typed", replies=[])  # EOF at once
    assert done.returncode == 0
    listed = subprocess.run([sys.executable, "-m", "rehearsal", "sessions", "list", "--json"],
                            capture_output=True, text=True)
    assert json.loads(listed.stdout) == []


def test_on_a_terminal_practice_wraps_between_words(tmp_path):
    """Run under a pseudo-terminal 40 columns wide: no word is split across two lines."""
    import pty
    import re

    leader, follower = pty.openpty()
    import fcntl
    import struct
    import termios

    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 40, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")} | {"TERM": "xterm"}
    proc = subprocess.Popen([sys.executable, "-m", "rehearsal", "practice", "follow-up-better-fit", "--typed",
                             "--no-save"], stdin=subprocess.DEVNULL, stdout=follower, stderr=subprocess.DEVNULL,
                            env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", b"".join(chunks).decode("utf-8", "replace"))
    lines = [line.rstrip() for line in text.replace("\r", "").splitlines()]
    assert lines and max(len(line) for line in lines) <= 40
    assert "Northwind" in text
    # A word broken by the terminal would leave a line ending mid-word before one starting lower-case
    # with no space; rich breaks at spaces, so every wrapped line ends at a word's end.
    words = set(re.findall(r"[A-Za-z]+", " ".join(lines)))
    assert "Logistics" in words and not any(w in words for w in ("Logist", "ics", "Logi", "stics"))
