"""Cards built by the ``cards.fetch`` job from pages served on loopback, on every backend."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from tests.cards.helpers import oembed_page, opengraph_page
from tests.factories import Person, make_person
from tests.net.pages import Page, PageServer
from weft.actions.posts.edit import Change, edit_status
from weft.actions.posts.post import Draft, post_status
from weft.config import Settings
from weft.db.database import Database
from weft.jobs.worker import Worker
from weft.media.storage import storage_for
from weft.models import Job, PreviewCard, StatusCard
from weft.models.base import utcnow


async def post(db: Database, settings: Settings, person: Person, text: str) -> int:
    status = await post_status(db, settings, person.account_id, Draft(text=text))
    return status.id


async def card_of(db: Database, status_id: int) -> PreviewCard | None:
    async with db.read() as session:
        card: PreviewCard | None = await session.scalar(
            select(PreviewCard)
            .join(StatusCard, StatusCard.card_id == PreviewCard.id)
            .where(StatusCard.status_id == status_id)
        )
        return card


async def card_jobs(db: Database) -> int:
    async with db.read() as session:
        n = await session.scalar(select(func.count()).where(Job.kind == "cards.fetch"))
        return int(n or 0)


async def test_an_opengraph_page_gives_a_card(
    db: Database, settings: Settings, pages: PageServer
) -> None:
    settings = settings.with_(allow_private_network=True)
    alice = await make_person(db, settings, "alice")
    url = opengraph_page(pages)
    status_id = await post(db, settings, alice, f"Read this {url}#section and {pages.url}/other")
    assert await card_jobs(db) == 1
    await Worker(db, settings).run_until_idle()
    card = await card_of(db, status_id)
    assert card is not None
    assert (card.url, card.state, card.type) == (url, "ready", "link")
    assert card.title == "The weaving & the weft"
    assert card.description == "How threads cross."
    assert (card.provider_name, card.author_name) == ("Loom Weekly", "Ada")
    assert card.image_description == "A red loom"
    assert (card.width, card.height) == (640, 320)
    assert card.blurhash
    assert card.image_key
    assert card.language == "en"
    stored = await storage_for(settings).read(card.image_key)
    assert stored.startswith(b"\xff\xd8")  # re-encoded as JPEG
    assert pages.requests["/other"] == 0  # only the first link


async def test_an_oembed_video_keeps_only_a_safe_iframe(
    db: Database, settings: Settings, pages: PageServer
) -> None:
    settings = settings.with_(allow_private_network=True)
    alice = await make_person(db, settings, "alice")
    status_id = await post(db, settings, alice, oembed_page(pages))
    await Worker(db, settings).run_until_idle()
    card = await card_of(db, status_id)
    assert card is not None
    assert card.type == "video"
    assert card.html == (
        '<iframe src="https://video.example/embed/1" width="640" height="360" '
        'allowfullscreen=""></iframe>'
    )
    assert "script" not in card.html
    assert "onload" not in card.html
    assert (card.provider_name, card.author_url) == ("VideoSite", "https://video.example/ada")


async def test_a_card_is_fetched_once_per_url(
    db: Database, settings: Settings, pages: PageServer
) -> None:
    settings = settings.with_(allow_private_network=True)
    alice = await make_person(db, settings, "alice")
    url = opengraph_page(pages)
    first = await post(db, settings, alice, f"one {url}")
    await Worker(db, settings).run_until_idle()
    second = await post(db, settings, alice, f"two {url}")
    await Worker(db, settings).run_until_idle()
    assert pages.requests["/article"] == 1
    card_one, card_two = await card_of(db, first), await card_of(db, second)
    assert card_one is not None
    assert card_two is not None
    assert card_one.id == card_two.id
    # After two weeks the card is fetched again, into the same row.
    async with db.write() as session:
        await session.execute(update(PreviewCard).values(fetched_at=utcnow() - timedelta(days=15)))
    third = await post(db, settings, alice, f"three {url}")
    await Worker(db, settings).run_until_idle()
    assert pages.requests["/article"] == 2
    card_three = await card_of(db, third)
    assert card_three is not None
    assert card_three.id == card_one.id


async def test_a_failed_page_is_not_asked_again_soon(
    db: Database, settings: Settings, pages: PageServer
) -> None:
    settings = settings.with_(allow_private_network=True)
    alice = await make_person(db, settings, "alice")
    url = pages.add("/missing-title", Page(b"<p>no metadata at all</p>"))
    for n in range(2):
        status_id = await post(db, settings, alice, f"{n} {url}")
        await Worker(db, settings).run_until_idle()
        assert await card_of(db, status_id) is None
    assert pages.requests["/missing-title"] == 1
    async with db.read() as session:
        states = list(await session.scalars(select(PreviewCard.state)))
    assert states == ["failed"]


async def test_a_link_to_loopback_is_never_fetched_outside_tests(
    db: Database, settings: Settings, pages: PageServer
) -> None:
    assert settings.allow_private_network is False
    alice = await make_person(db, settings, "alice")
    url = opengraph_page(pages)
    status_id = await post(db, settings, alice, f"look {url} and http://localhost:{pages.port}/")
    await Worker(db, settings).run_until_idle()
    assert await card_of(db, status_id) is None
    assert pages.connections == 0
    assert pages.total_requests == 0


async def test_an_edit_that_removes_the_link_removes_the_card(
    db: Database, settings: Settings, pages: PageServer
) -> None:
    settings = settings.with_(allow_private_network=True)
    alice = await make_person(db, settings, "alice")
    status_id = await post(db, settings, alice, f"see {opengraph_page(pages)}")
    await Worker(db, settings).run_until_idle()
    assert await card_of(db, status_id) is not None
    await edit_status(db, settings, alice.account_id, status_id, Change(text="no link now"))
    await Worker(db, settings).run_until_idle()
    assert await card_of(db, status_id) is None


async def test_posts_without_links_queue_no_card_job(db: Database, settings: Settings) -> None:
    alice = await make_person(db, settings, "alice")
    await post(db, settings, alice, "just words, and #tags, and ftp://not.a/web/link")
    assert await card_jobs(db) == 0
