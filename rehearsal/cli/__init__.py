"""The `rehearsal` command line."""
