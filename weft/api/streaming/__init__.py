"""Mastodon's streaming API: server-sent events and the WebSocket
(weft/events says where events come from; docs/api.md lists the streams)."""
