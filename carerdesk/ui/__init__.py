"""The PySide6 desktop app. Widgets talk to services through the DB worker."""
