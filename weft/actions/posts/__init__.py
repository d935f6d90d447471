"""Posts: writing, editing and deleting them, from either door.

A post is written by :func:`weft.actions.posts.create.create_post` and
revised by :func:`weft.actions.posts.edit.revise`, whoever its author is:
``post.py`` (a local person's draft), ``edit.py``, ``delete.py`` and
``remote.py`` (a post delivered or fetched from another server) only turn
their input into what those cores take. So a rule (reply and quote
policies, blocks, mentions, notifications) is asked in one place for every
front door. ``bookkeeping.py`` holds what they all record: counters, tags,
mentions and their notifications, versions.
"""
