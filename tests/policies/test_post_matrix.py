"""Who may see, reply to, quote and repost a post: one table, asked of every door.

Alice (a private profile, so that a follow can be pending) writes one post per
visibility, each mentioning Max, as replies to a public root post. Every kind
of viewer then looks through every endpoint that can show a post, and tries
to reply, quote and repost. The policy's answer must be the same everywhere;
the differences by design are spelled out where they are checked: a mute
takes the muted author out of lists (conversations, feeds, notifications, as
Mastodon does) while their posts still open by link and on their profile, and
home holds only what was fanned out to the viewer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx
import pytest

from tests.factories import Person, make_person
from tests.live import LiveServer
from tests.web.helpers import sign_in_form
from weft.actions.chats.members import remove_member
from weft.actions.chats.messages import NewMessage, send_message
from weft.actions.chats.start import start_chat
from weft.actions.graph import (
    authorize_follow_request,
    block_account,
    follow_account,
    mute_account,
)
from weft.actions.interactions import bookmark, favourite
from weft.actions.posts.post import Draft, post_status
from weft.db.database import Database
from weft.jobs.worker import Worker

VISIBILITIES = ("public", "unlisted", "private", "direct")
VIEWERS = (
    "anonymous",
    "stranger",
    "follower",
    "pending",
    "mentioned",
    "blocked",  # Alice blocks them
    "blocker",  # they block Alice
    "muter",  # they follow Alice and mute her
    "author",
)
Y, N = True, False

# viewer: (public, unlisted, private, direct)
CAN_VIEW = {
    "anonymous": (Y, Y, N, N),
    "stranger": (Y, Y, N, N),
    "follower": (Y, Y, Y, N),
    "pending": (Y, Y, N, N),
    "mentioned": (Y, Y, Y, Y),
    "blocked": (N, N, N, N),
    "blocker": (N, N, N, N),
    "muter": (Y, Y, Y, N),
    "author": (Y, Y, Y, Y),
}
CAN_REPLY = {  # reply policy "everyone": whoever can see it and is signed in
    viewer: tuple(v and viewer != "anonymous" for v in row) for viewer, row in CAN_VIEW.items()
}
CAN_QUOTE = {  # quote policy "public": public and unlisted posts; authors quote their own
    "anonymous": (N, N, N, N),
    "stranger": (Y, Y, N, N),
    "follower": (Y, Y, N, N),
    "pending": (Y, Y, N, N),
    "mentioned": (Y, Y, N, N),
    "blocked": (N, N, N, N),
    "blocker": (N, N, N, N),
    "muter": (Y, Y, N, N),
    "author": (Y, Y, Y, Y),
}
CAN_REBLOG = {  # public and unlisted; authors may repost their own followers-only post
    **{viewer: tuple(v and i < 2 for i, v in enumerate(CAN_QUOTE[viewer])) for viewer in VIEWERS},
    "author": (Y, Y, Y, N),
}


@dataclass
class World:
    people: dict[str, Person]
    root: int
    posts: dict[str, int]  # visibility -> post id
    mismatches: list[str] = field(default_factory=list)

    def expect(self, what: str, viewer: str, visibility: str, expected: bool, actual: bool) -> None:
        if expected != actual:
            self.mismatches.append(
                f"{what}: {viewer} / {visibility}: expected {expected}, got {actual}"
            )


async def _build(db: Database, server: LiveServer) -> World:
    settings = server.settings
    people = {
        name: await make_person(db, settings, name, locked=name == "author")
        for name in VIEWERS
        if name != "anonymous"
    }
    alice = people["author"].account_id
    for name in ("follower", "pending", "muter"):
        await follow_account(db, people[name].account_id, alice)
    for name in ("follower", "muter"):
        await authorize_follow_request(db, alice, people[name].account_id)
    await block_account(db, alice, people["blocked"].account_id)
    await block_account(db, people["blocker"].account_id, alice)
    await mute_account(db, people["muter"].account_id, alice)
    root = await post_status(db, settings, alice, Draft("The thread starts", visibility="public"))
    posts = {}
    for visibility in VISIBILITIES:
        post = await post_status(
            db,
            settings,
            alice,
            Draft(
                f"A {visibility} post for @mentioned", visibility=visibility, in_reply_to_id=root.id
            ),
        )
        posts[visibility] = post.id
        await favourite(db, alice, post.id)
    await Worker(db, settings).run_until_idle()
    return World(people, root.id, posts)


def _headers(world: World, viewer: str) -> dict[str, str]:
    return {} if viewer == "anonymous" else world.people[viewer].auth


def _ids(response: httpx.Response) -> set[int]:
    assert response.status_code == 200, response.text
    return {int(item["id"]) for item in response.json()}


def _check_views(client: httpx.Client, world: World, viewer: str) -> None:
    headers = _headers(world, viewer)
    alice = world.people["author"].account_id
    context = client.get(f"/api/v1/statuses/{world.root}/context", headers=headers)
    descendants = (
        _ids(httpx.Response(200, json=context.json()["descendants"]))
        if (context.status_code == 200)
        else set()
    )
    on_profile = client.get(f"/api/v1/accounts/{alice}/statuses", headers=headers)
    profile_ids = _ids(on_profile) if on_profile.status_code == 200 else set()
    public_ids = _ids(client.get("/api/v1/timelines/public", headers=headers))
    for index, visibility in enumerate(VISIBILITIES):
        post, expected = world.posts[visibility], CAN_VIEW[viewer][index]
        shown = client.get(f"/api/v1/statuses/{post}", headers=headers).status_code
        world.expect("status", viewer, visibility, expected, shown == 200)
        in_lists = expected and viewer != "muter"
        world.expect("context", viewer, visibility, in_lists, post in descendants)
        world.expect("account statuses", viewer, visibility, expected, post in profile_ids)
        liked = client.get(f"/api/v1/statuses/{post}/favourited_by", headers=headers)
        world.expect("favourited_by", viewer, visibility, expected, liked.status_code == 200)
        # The public timeline holds public posts only; mutes and blocks leave it.
        in_public = in_lists and visibility == "public"
        world.expect("public timeline", viewer, visibility, in_public, post in public_ids)


def _check_feeds(client: httpx.Client, world: World, viewer: str) -> None:
    if viewer == "anonymous":
        return
    headers = _headers(world, viewer)
    home = _ids(client.get("/api/v1/timelines/home", headers=headers))
    notified = {
        int(n["status"]["id"])
        for n in client.get("/api/v1/notifications", headers=headers).json()
        if n.get("status")
    }
    for index, visibility in enumerate(VISIBILITIES):
        post, visible = world.posts[visibility], CAN_VIEW[viewer][index]
        # Home: what reached the viewer by following (direct posts only reach
        # mentioned followers), less what they mute.
        in_home = visible and (
            viewer == "author" or (viewer == "follower" and visibility != "direct")
        )
        world.expect("home", viewer, visibility, in_home, post in home)
        # Notifications: the mention, for whoever is mentioned and may see it;
        # a direct one from someone they don't follow waits under a notification
        # request (Mastodon's default policy, docs/decisions/0041).
        mention = visible and viewer == "mentioned" and visibility != "direct"
        world.expect("notifications", viewer, visibility, mention, post in notified)


def _check_actions(client: httpx.Client, world: World, viewer: str) -> None:
    headers = _headers(world, viewer)
    for index, visibility in enumerate(VISIBILITIES):
        post = world.posts[visibility]
        reply = client.post(
            "/api/v1/statuses", headers=headers, data={"status": "Re", "in_reply_to_id": post}
        )
        world.expect(
            "reply", viewer, visibility, CAN_REPLY[viewer][index], reply.status_code == 200
        )
        quote = client.post(
            "/api/v1/statuses", headers=headers, data={"status": "Q", "quoted_status_id": post}
        )
        world.expect(
            "quote", viewer, visibility, CAN_QUOTE[viewer][index], quote.status_code == 200
        )
        reblog = client.post(f"/api/v1/statuses/{post}/reblog", headers=headers)
        world.expect(
            "reblog", viewer, visibility, CAN_REBLOG[viewer][index], reblog.status_code == 200
        )
        if viewer == "anonymous":
            assert {reply.status_code, quote.status_code, reblog.status_code} == {401}
        elif not CAN_VIEW[viewer][index]:
            # What a viewer may not see does not exist for them.
            assert {reply.status_code, quote.status_code, reblog.status_code} == {404}


@pytest.mark.parametrize("viewer", VIEWERS)
async def test_every_door_gives_the_policy_answer(
    server: LiveServer, client: httpx.Client, db: Database, viewer: str
) -> None:
    world = await _build(db, server)
    _check_views(client, world, viewer)
    _check_feeds(client, world, viewer)
    _check_actions(client, world, viewer)
    assert world.mismatches == []


# --- withheld posts: pending and hidden replies, archived posts ---------------------------

WITHHELD_VIEWERS = ("anonymous", "stranger", "follower", "mentioned", "replier", "author")
# kind: (who may see it by id, who sees it in its conversation, whose post it is)
WITHHELD = {
    "archived": ({"author"}, set(), "author"),
    "pending": ({"replier", "author"}, {"replier"}, "replier"),
    "hidden": ({"replier", "author"}, {"replier"}, "replier"),
    # A reply by someone the author restricts: its replier's alone, silently.
    "restricted": ({"replier"}, {"replier"}, "replier"),
}


async def _build_withheld(
    db: Database, server: LiveServer
) -> tuple[dict[str, Person], dict[str, int], dict[str, int]]:
    """Alice (the author) archives a post; Bob (the replier) replies to her post
    that wants approvals (pending), to another, whose reply she hides, and,
    once she restricts him, to a third (restricted). Each mentions Max
    (mentioned) and carries #withheld; the follower follows both."""
    from weft.actions.archive import archive_status
    from weft.actions.graph import restrict_account
    from weft.actions.replies import hide_reply

    settings = server.settings
    people = {
        name: await make_person(db, settings, name)
        for name in WITHHELD_VIEWERS
        if name != "anonymous"
    }
    alice, bob = people["author"].account_id, people["replier"].account_id
    for target in (alice, bob):
        await follow_account(db, people["follower"].account_id, target)
    text = "A post for @mentioned #withheld"
    approvals = await post_status(db, settings, alice, Draft("Approve", reply_approvals=True))
    open_root = await post_status(db, settings, alice, Draft("Open"))
    archived = await post_status(db, settings, alice, Draft(text))
    pending = await post_status(db, settings, bob, Draft(text, in_reply_to_id=approvals.id))
    hidden = await post_status(db, settings, bob, Draft(text, in_reply_to_id=open_root.id))
    restricting_root = await post_status(db, settings, alice, Draft("Restricting"))
    await restrict_account(db, alice, bob)
    restricted = await post_status(
        db, settings, bob, Draft(text, in_reply_to_id=restricting_root.id)
    )
    # Liked and saved while they could be seen: by their authors, and the
    # follower (who may no longer see them).
    follower = people["follower"].account_id
    for post in (archived, pending, hidden, restricted):
        await favourite(db, post.account_id, post.id)
        await bookmark(db, post.account_id, post.id)
    for post in (archived, hidden):
        await favourite(db, follower, post.id)
        await bookmark(db, follower, post.id)
    await archive_status(db, alice, archived.id)
    await hide_reply(db, alice, hidden.id)
    await Worker(db, settings).run_until_idle()
    posts = {
        "archived": archived.id,
        "pending": pending.id,
        "hidden": hidden.id,
        "restricted": restricted.id,
    }
    roots = {
        "archived": archived.id,
        "pending": approvals.id,
        "hidden": open_root.id,
        "restricted": restricting_root.id,
    }
    return people, posts, roots


@pytest.mark.parametrize("viewer", WITHHELD_VIEWERS)
async def test_withheld_posts_leak_nowhere(
    server: LiveServer, client: httpx.Client, db: Database, viewer: str
) -> None:
    people, posts, roots = await _build_withheld(db, server)
    headers = {} if viewer == "anonymous" else people[viewer].auth
    mismatches: list[str] = []

    def expect(what: str, kind: str, expected: bool, actual: bool) -> None:
        if expected != actual:
            mismatches.append(f"{what}: {viewer} / {kind}: expected {expected}, got {actual}")

    def ids(path: str) -> set[int]:
        response = client.get(path, headers=headers)
        return _ids(response) if response.status_code == 200 else set()

    public = ids("/api/v1/timelines/public") | ids("/api/v1/timelines/tag/withheld")
    home = ids("/api/v1/timelines/home") if viewer != "anonymous" else set()
    favourites = ids("/api/v1/favourites") if viewer != "anonymous" else set()
    bookmarks = ids("/api/v1/bookmarks") if viewer != "anonymous" else set()
    notified: set[int] = set()
    if viewer != "anonymous":
        for n in client.get("/api/v1/notifications", headers=headers).json():
            if n.get("status"):
                notified.add(int(n["status"]["id"]))
    searched = client.get(
        "/api/v2/search", params={"q": "withheld", "type": "statuses"}, headers=headers
    )
    found = (
        {int(s["id"]) for s in searched.json().get("statuses", [])}
        if searched.is_success
        else set()
    )
    for kind, post in posts.items():
        allowed, in_thread, owner = WITHHELD[kind]
        sees = viewer in allowed
        author_id = people[owner].account_id
        shown = client.get(f"/api/v1/statuses/{post}", headers=headers).status_code == 200
        expect("status", kind, sees, shown)
        batch = ids(f"/api/v1/statuses?id[]={post}")
        expect("statuses batch", kind, sees, post in batch)
        context = client.get(f"/api/v1/statuses/{roots[kind]}/context", headers=headers)
        descendants = {int(s["id"]) for s in context.json().get("descendants", [])}
        expect("context", kind, viewer in in_thread, post in descendants)
        expect(
            "account statuses", kind, sees, post in ids(f"/api/v1/accounts/{author_id}/statuses")
        )
        for by in ("favourited_by", "reblogged_by"):
            listed = client.get(f"/api/v1/statuses/{post}/{by}", headers=headers)
            expect(by, kind, sees, listed.status_code == 200)
        expect("favourites", kind, viewer == owner, post in favourites)
        expect("bookmarks", kind, viewer == owner, post in bookmarks)
        # The tag timeline holds replies too; the public one top-level posts.
        expect("public and tag timelines", kind, sees, post in public)
        expect("home", kind, viewer == owner, post in home)
        # Alice hears of every reply to her posts (but a restricted one's),
        # each author of the follower's likes (they may see their posts); no one else.
        replied_to = viewer == "author" and kind in ("pending", "hidden")
        liked = viewer == owner and kind in ("archived", "hidden")
        expect("notifications", kind, replied_to or liked, post in notified)
        expect("search", kind, False, post in found and not sees)
    with server.client() as web:
        if viewer != "anonymous":
            assert sign_in_form(web, people[viewer].username).status_code == 303
        for kind, post in posts.items():
            allowed, _, owner = WITHHELD[kind]
            page = web.get(f"/@{people[owner].username}/{post}")
            expect("web post page", kind, viewer in allowed, page.status_code == 200)
            tab = "" if kind == "archived" else "/replies"
            profile = web.get(f"/@{people[owner].username}{tab}")
            expect("web profile", kind, viewer in allowed, f"/{post}" in profile.text)
    assert mismatches == []


# --- the "message" row: a chat message, asked of every door ------------------------------

# viewer: may read the message (only the chat's present members, less a blocker of its author)
CAN_READ_MESSAGE = {
    "anonymous": N,
    "stranger": N,
    "member": Y,
    "removed": N,  # removed from the group before it was sent
    "blocker": N,  # a member who blocks its author
    "author": Y,
}
SECRET = "chatsecretword"


@pytest.mark.parametrize("viewer", list(CAN_READ_MESSAGE))
async def test_a_message_is_read_by_its_chat_only(
    server: LiveServer, client: httpx.Client, db: Database, viewer: str
) -> None:
    names = ("author", "member", "removed", "blocker", "stranger")
    people = {n: await make_person(db, server.settings, f"m{n}") for n in names}
    author = people["author"].account_id
    for name in ("member", "removed", "blocker", "stranger"):  # they all follow the author
        await follow_account(db, people[name].account_id, author)
    others = [people[n].account_id for n in ("member", "removed", "blocker")]
    chat = await start_chat(db, author, others, name="Group")
    await remove_member(db, author, chat.id, people["removed"].account_id)
    await block_account(db, people["blocker"].account_id, author)
    message = await send_message(
        db, server.settings, author, chat.id, NewMessage(text=f"{SECRET} #{SECRET}")
    )
    await Worker(db, server.settings).run_until_idle()

    headers = {} if viewer == "anonymous" else people[viewer].auth
    expected = CAN_READ_MESSAGE[viewer]
    listed = client.get(f"/api/weft/v1/chats/{chat.id}/messages", headers=headers)
    one = client.get(f"/api/weft/v1/chats/{chat.id}/messages/{message.id}", headers=headers)
    assert (SECRET in listed.text) is expected, listed.text
    assert (one.status_code == 200) is expected, one.text
    if viewer in ("anonymous", "stranger"):
        assert listed.status_code == one.status_code == (401 if viewer == "anonymous" else 404)
    # No other door shows it, to anyone (its author included).
    doors = [
        "/api/v1/timelines/home",
        "/api/v1/timelines/public",
        "/api/v1/timelines/public?local=true",
        f"/api/v1/timelines/tag/{SECRET}",
        f"/api/v1/accounts/{author}/statuses",
        "/api/v1/notifications",
        f"/api/v2/search?q={SECRET}",
        f"/api/v1/statuses/{message.id}",
        f"/api/v1/statuses/{message.id}/context",
        "/users/mauthor/outbox?page=true",
        "/@mauthor",
    ]
    for door in doors:
        response = client.get(door, headers=headers)
        assert response.status_code < 500, (door, response.text)
        assert SECRET not in response.text, door
