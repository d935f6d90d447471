"""Tables, one module per domain. Importing this package registers them all."""

from weft.models.accounts import Account, User
from weft.models.auth import OAuthAccessToken, OAuthApplication, OAuthAuthorizationCode, WebSession
from weft.models.base import Base
from weft.models.chats import Chat, ChatMember, ChatMessage, ChatReaction
from weft.models.drafts import ScheduledStatus
from weft.models.federation import DomainBlock, FederatedServer, InboundActivity
from weft.models.feeds import HomeFeedEntry, Marker, Notification
from weft.models.filters import Filter, FilterKeyword, FilterState, FilterStatus
from weft.models.graph import AccountNote, Block, Follow, FollowRequest, Mute, Restrict
from weft.models.interactions import Bookmark, Favourite
from weft.models.jobs import Job
from weft.models.media import MediaAttachment, PreviewCard, StatusCard
from weft.models.moderation import AccountWarning, AdminActionLog, Appeal, Report
from weft.models.notification_policies import NotificationPolicy, NotificationRequest
from weft.models.polls import Poll, PollVote
from weft.models.posts import (
    FollowedTag,
    IdempotencyKey,
    Mention,
    Status,
    StatusEdit,
    StatusPin,
    StatusTag,
    Tag,
)
from weft.models.push import PushSubscription
from weft.models.server import Invite, ServerRule, ServerSetting
from weft.models.two_factor import BackupCode, TwoFactorSecret

__all__ = [
    "Account",
    "AccountNote",
    "AccountWarning",
    "AdminActionLog",
    "Appeal",
    "BackupCode",
    "Base",
    "Block",
    "Bookmark",
    "Chat",
    "ChatMember",
    "ChatMessage",
    "ChatReaction",
    "DomainBlock",
    "Favourite",
    "FederatedServer",
    "Filter",
    "FilterKeyword",
    "FilterState",
    "FilterStatus",
    "Follow",
    "FollowRequest",
    "FollowedTag",
    "HomeFeedEntry",
    "IdempotencyKey",
    "InboundActivity",
    "Invite",
    "Job",
    "Marker",
    "MediaAttachment",
    "Mention",
    "Mute",
    "Notification",
    "NotificationPolicy",
    "NotificationRequest",
    "OAuthAccessToken",
    "OAuthApplication",
    "OAuthAuthorizationCode",
    "Poll",
    "PollVote",
    "PreviewCard",
    "PushSubscription",
    "Report",
    "Restrict",
    "ScheduledStatus",
    "ServerRule",
    "ServerSetting",
    "Status",
    "StatusCard",
    "StatusEdit",
    "StatusPin",
    "StatusTag",
    "Tag",
    "TwoFactorSecret",
    "User",
    "WebSession",
]
