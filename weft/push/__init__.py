"""Web push (RFC 8030): the server's VAPID keys (RFC 8292) and the sending of
one encrypted message (RFC 8291) to a push service. Who is pushed what is
decided by weft/actions/push.py and the ``push.send`` job."""
