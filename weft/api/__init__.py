"""The Mastodon client API and OAuth: parse, call the domain, render."""
