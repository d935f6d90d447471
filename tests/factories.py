"""Making people for tests through the real actions (no HTTP, no shortcuts)."""

from __future__ import annotations

from dataclasses import dataclass

from weft.actions.accounts import SignUp, register_account
from weft.actions.oauth import create_application, issue_token
from weft.config import Settings
from weft.db.database import Database

PASSWORD = "correct horse battery"
ALL_SCOPES = ["read", "write", "follow", "push"]


@dataclass(frozen=True)
class Person:
    username: str
    account_id: int
    user_id: int
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def make_person(
    db: Database, settings: Settings, username: str, *, locked: bool = False
) -> Person:
    """A confirmed local person with a token holding every user scope."""
    user = await register_account(
        db,
        settings,
        SignUp(
            username=username, email=f"{username}@example.com", password=PASSWORD, by_admin=True
        ),
    )
    if locked:
        from weft.actions.accounts import ProfileChange, update_profile

        await update_profile(db, user.account_id, ProfileChange(locked=True))
    app, _ = await create_application(
        db, name="Tests", redirect_uris=["urn:ietf:wg:oauth:2.0:oob"], scopes=" ".join(ALL_SCOPES)
    )
    issued = await issue_token(db, app, user.id, ALL_SCOPES)
    return Person(username, user.account_id, user.id, issued.access_token)
