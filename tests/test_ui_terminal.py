"""While the app runs, rehearsal's warnings go to the app log, never over the screen."""

from __future__ import annotations

import logging

from rehearsal.ui.terminal import app_log_to


def test_warnings_and_their_tracebacks_go_to_the_app_log_while_it_runs(tmp_path):
    path = tmp_path / "logs" / "rehearsal.log"
    log = logging.getLogger("rehearsal.conversation.loop")
    with app_log_to(path):
        log.info("chatter")
        try:
            raise ValueError("the widget is gone")
        except ValueError:
            log.exception("the call's display failed")
    log.warning("after the app")
    text = path.read_text(encoding="utf-8")
    assert "ERROR rehearsal.conversation.loop: the call's display failed" in text
    assert "Traceback" in text and "ValueError: the widget is gone" in text
    assert "chatter" not in text and "after the app" not in text
