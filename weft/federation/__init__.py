"""ActivityPub: discovery (WebFinger, NodeInfo), actor and object documents.

``routes.router`` serves them; the serializers (``actors``, ``notes``,
``collections``) are pure functions of rows that ``loading`` reads.
"""
