"""Link preview cards: what the first link of a post looks like.

``parse`` reads a page's OpenGraph, Twitter and plain HTML metadata,
``oembed`` fetches and sanitizes an oEmbed document, ``images`` stores the
preview picture, and ``build`` puts them together. Every fetch goes through
the guarded fetcher (``weft.net``). The action that caches cards per URL and
links them to posts is ``weft.actions.cards``.
"""
