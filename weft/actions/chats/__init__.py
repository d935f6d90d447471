"""Chats (issue 17; docs/decisions/0034-chats.md): every state change of a chat.

- ``start.py``: ``start_chat`` (one-to-one, unique per pair; groups);
- ``members.py``: ``add_members``, ``remove_member``, ``leave_chat``, ``set_role``;
- ``messages.py``: ``send_message``, ``edit_message``, ``delete_message``,
  ``message_ghost_author`` (a reply to a ghost post);
- ``reactions.py``: ``react``, ``unreact``;
- ``state.py``: ``mark_read``, ``update_chat`` (name, mute), ``accept_chat``,
  ``decline_chat``, ``delete_chat_for_me``, ``report_chat``;
- ``access.py``: the reads every action shares (members, standing, blocks)
  and the events it tells.

Who may read or write what is decided by ``weft.policies.chats``.
"""
