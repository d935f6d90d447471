"""The durable job queue (see docs/architecture.md, "Layers").

``kinds`` declares every kind and ``queue.enqueue`` queues one: both sit low,
so actions may use them. ``handlers`` and ``worker`` sit at the top: they call
the actions and the federation code.
"""
