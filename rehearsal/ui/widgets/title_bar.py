"""A one-line title: the app and where you are.

Textual's Header re-reads titles from watchers that can fire after its screen has gone
(NoMatches on HeaderTitle when a screen is switched right after it mounts); a title that
is fixed when the screen is built needs none of that.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class TitleBar(Static):
    def on_mount(self) -> None:
        screen_title = self.screen.sub_title or self.app.sub_title
        self.update(Text.assemble((self.app.title, "bold"), " — ", screen_title))
