"""The Textual app. Only this package imports Textual; the core never imports it."""
