"""rehearsal: practise a hard phone call out loud, offline."""

__version__ = "0.1.0"
