"""The app's pages (registered in ``app/main.py``) and their shared helpers (``common``)."""
