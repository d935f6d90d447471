"""Two-factor sign-in through the web and the OAuth password grant, over real HTTP."""

from __future__ import annotations

from urllib.parse import urlencode

import httpx

from tests.api.helpers import OOB, register_app, request_token
from tests.api.helpers import query as sql
from tests.api.test_rate_limits import limited_servers
from tests.live import LiveServer
from tests.security.helpers import CODE, code_now, code_step, enrol, password_step, post_form
from tests.web.helpers import PASSWORD, sign_in_form, sign_out, sign_up, signed_in_as

GRANT_REFUSAL = (
    "This account uses two-factor sign-in, which the password grant can't ask for: "
    "sign in through the browser instead (the authorization code flow, /oauth/authorize)"
)


def test_sign_in_asks_the_code_after_the_password(client: httpx.Client) -> None:
    sign_up(client, "alice")
    secret, _ = enrol(client)
    sign_out(client)

    page = password_step(client, "alice")
    # The password alone signs nobody in.
    assert signed_in_as(client) is None
    # The confirming code's step is spent: the next step's code signs in.
    code = code_now(secret, 1)
    done = code_step(client, page, code)
    assert done.status_code == 303, done.text
    assert done.headers["location"] == "/"
    assert signed_in_as(client) == "alice"

    # The same code again, even with the password right, is refused.
    sign_out(client)
    again = code_step(client, password_step(client, "alice"), code)
    assert again.status_code == 422
    assert "Invalid two-factor code: this code was used already, wait for the next one" in (
        again.text
    )
    assert signed_in_as(client) is None


def test_a_wrong_code_is_refused(client: httpx.Client) -> None:
    sign_up(client, "alice")
    secret, _ = enrol(client)
    sign_out(client)
    page = password_step(client, "alice")
    wrong = "000000" if code_now(secret, 1) != "000000" else "111111"
    for code in (wrong, "", "abc", "12345678901234567890"):
        response = code_step(client, page, code)
        assert response.status_code == 422, code
        assert '<p id="form-error" class="error" role="alert">Invalid two-factor code</p>' in (
            response.text
        )
    assert signed_in_as(client) is None


def test_a_backup_code_signs_in_once(client: httpx.Client, server: LiveServer) -> None:
    sign_up(client, "alice")
    _, codes = enrol(client)
    sign_out(client)

    # Typed in capitals and without the dash, it still counts.
    typed = codes[3].replace("-", "").upper()
    done = code_step(client, password_step(client, "alice"), typed)
    assert done.status_code == 303, done.text
    assert signed_in_as(client) == "alice"
    page = client.get("/settings/two_factor")
    assert "9 of 10 backup codes left." in page.text

    sign_out(client)
    again = code_step(client, password_step(client, "alice"), codes[3])
    assert again.status_code == 422
    assert "Invalid two-factor code" in again.text
    assert signed_in_as(client) is None

    # Kept as keyed hashes and a sealed secret: no code nor secret in the database.
    stored = sql(server.settings.database_url, "SELECT code_hash FROM two_factor_backup_codes")
    assert len(stored) == 10
    assert not {row[0] for row in stored} & {c.replace("-", "") for c in codes}


def test_the_secret_is_sealed_at_rest(client: httpx.Client, server: LiveServer) -> None:
    sign_up(client, "alice")
    secret, _ = enrol(client)
    [(sealed,)] = sql(server.settings.database_url, "SELECT sealed_secret FROM two_factor_secrets")
    assert secret not in sealed
    assert len(sealed) > len(secret)


def test_the_password_grant_is_refused_with_the_way_out(client: httpx.Client) -> None:
    sign_up(client, "alice")
    enrol(client)
    app = register_app(client)
    response = request_token(
        client, app, grant_type="password", username="alice", password=PASSWORD
    )
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_grant", "error_description": GRANT_REFUSAL}
    # A wrong password still says only that.
    wrong = request_token(client, app, grant_type="password", username="alice", password="x")
    assert wrong.json() == {
        "error": "invalid_grant",
        "error_description": "Invalid email, username or password",
    }


def test_the_browser_flow_asks_the_code_and_goes_on_to_authorize(client: httpx.Client) -> None:
    sign_up(client, "alice")
    secret, _ = enrol(client)
    sign_out(client)
    app = register_app(client)
    authorize = "/oauth/authorize?" + urlencode(
        {"client_id": app.client_id, "redirect_uri": OOB, "response_type": "code", "scope": "read"}
    )
    to_sign_in = client.get(authorize)
    assert to_sign_in.status_code == 302
    page = password_step(client, "alice", next=authorize)
    done = code_step(client, page, code_now(secret, 1))
    assert done.status_code == 303, done.text
    assert done.headers["location"] == authorize
    consent = client.get(authorize)
    assert consent.status_code == 200
    assert "Tester" in consent.text


def test_turning_it_off_needs_the_password(client: httpx.Client) -> None:
    sign_up(client, "alice")
    enrol(client)
    page, action = "/settings/two_factor", "/settings/two_factor/disable"
    refused = post_form(client, page, action, disable_password="not it")
    assert refused.status_code == 422
    assert (
        'id="disable_password-error" class="error" role="alert">Password is not your password<'
        in (refused.text)
    )
    blank = post_form(client, page, action, disable_password="")
    assert "Password can&#39;t be blank" in blank.text
    assert "Two-factor sign-in is on." in client.get(page).text

    done = post_form(client, page, action, disable_password=PASSWORD)
    assert done.status_code == 303
    assert done.headers["location"] == "/settings/two_factor?done=off"
    assert "Two-factor sign-in is off." in client.get(done.headers["location"]).text
    sign_out(client)
    # The password alone signs in again.
    assert sign_in_form(client, "alice").status_code == 303
    assert signed_in_as(client) == "alice"


def test_new_backup_codes_replace_the_old(client: httpx.Client) -> None:
    sign_up(client, "alice")
    _, old = enrol(client)
    page, action = "/settings/two_factor", "/settings/two_factor/backup_codes"
    assert post_form(client, page, action, password="nope").status_code == 422
    response = post_form(client, page, action, password=PASSWORD)
    assert response.status_code == 200
    new = CODE.findall(response.text)
    assert len(new) == 10
    assert not set(new) & set(old)
    sign_out(client)
    refused = code_step(client, password_step(client, "alice"), old[0])
    assert refused.status_code == 422
    assert code_step(client, password_step(client, "alice"), new[0]).status_code == 303


def test_a_forged_or_stale_challenge_is_refused(client: httpx.Client) -> None:
    sign_up(client, "alice")
    secret, _ = enrol(client)
    sign_out(client)
    page = password_step(client, "alice")
    challenge = page.text.split('name="challenge" value="')[1].split('"')[0]
    user_id, expires, signature = challenge.split(".")
    for forged in (f"{int(user_id) + 1}.{expires}.{signature}", f"{user_id}.1.{signature}", "x"):
        forged_page = httpx.Response(200, text=page.text.replace(challenge, forged))
        response = code_step(client, forged_page, code_now(secret, 1))
        assert response.status_code == 422
        assert "The sign-in expired: enter your password again" in response.text
    assert signed_in_as(client) is None


def test_attempts_are_limited_per_account(server: LiveServer) -> None:
    with limited_servers(server, "memory", 1) as [live], live.client() as http:
        sign_up(http, "alice")
        secret, _ = enrol(http)
        sign_out(http)
        page = password_step(http, "alice")
        wrong = "000000" if code_now(secret, 1) != "000000" else "111111"
        for _ in range(10):
            assert code_step(http, page, wrong).status_code == 422
        # The eleventh, even the right code, waits (Mastodon's 10 an hour).
        response = code_step(http, page, code_now(secret, 1))
        assert response.status_code == 422
        assert "Too many requests" in response.text
        assert signed_in_as(http) is None
