"""The app's pages, one script each, registered in ``app/main.py``; what they share lives beside them in ``app/``."""
