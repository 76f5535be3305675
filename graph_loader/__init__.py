"""Portero Graph: turn news articles into a knowledge graph of actors, institutions and events."""

__version__ = "0.1.0"
