"""rehearsal: practise a hard phone call out loud, offline."""

import logging

__version__ = "0.1.0"

# Library modules log for whoever wants to listen (the app writes a log file); without this,
# Python's last-resort handler would print warnings over the terminal and the TUI.
logging.getLogger(__name__).addHandler(logging.NullHandler())
