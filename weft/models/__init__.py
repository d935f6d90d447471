"""Tables, one module per domain. Importing this package registers them all."""

from weft.models.accounts import Account, User
from weft.models.auth import OAuthAccessToken, OAuthApplication, OAuthAuthorizationCode, WebSession
from weft.models.base import Base
from weft.models.jobs import Job

__all__ = [
    "Account",
    "Base",
    "Job",
    "OAuthAccessToken",
    "OAuthApplication",
    "OAuthAuthorizationCode",
    "User",
    "WebSession",
]
