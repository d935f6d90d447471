"""Weft: an open, federated social network for public conversation."""

__version__ = "0.1.0"
