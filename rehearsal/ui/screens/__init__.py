"""One screen per file; the app pushes them."""
