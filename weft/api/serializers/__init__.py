"""Mastodon entities rendered from rows (the API's, and the web app's pages)."""
