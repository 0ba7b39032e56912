"""Support agents' sign-in: the gate on /support/, cookies, CSRF, lockout, sessions, roles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from tests.conftest import AGENT_EMAIL, AGENT_PASSWORD, csrf_token, sign_in
from webapp import create_app
from webapp.storage.accounts import AccountError
from webapp.storage.tables import AgentSessionRow, UserRow


@pytest.mark.parametrize(
    "url",
    [
        "/support/",
        "/support/reports",
        "/support/reports/ABCD-2345",
        "/support/stats",
        "/support/stats/browsers.svg",
        "/support/export.csv?no_personal=1",
        "/support/export.parquet",
        "/support/users",
        "/support/reports/ABCD-2345/screenshot",
    ],
    ids=["home", "list", "report", "stats", "chart", "csv", "parquet", "users", "screenshot"],
)
def test_anonymous_requests_go_to_the_login_page(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/support/login?next=")
    assert b"ABCD" not in response.data or "report" in url  # no report content leaks


def test_login_then_the_desk_opens_and_logout_ends_the_session(
    client: FlaskClient, agent: str
) -> None:
    response = sign_in(client, next="/support/stats")
    assert response.status_code == 302 and response.headers["Location"] == "/support/stats"
    page = client.get("/support/reports")
    assert page.status_code == 200 and AGENT_EMAIL in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    stolen = client.get_cookie("session")
    assert stolen is not None
    logout = client.post(
        "/support/logout", data={"csrf_token": csrf_token(client, "/support/reports")}
    )
    assert logout.status_code == 302 and "/support/login" in logout.headers["Location"]
    assert client.get("/support/reports").status_code == 302
    # The old cookie is worth nothing once signed out: the session lives in the database.
    client.set_cookie("session", stolen.value)
    assert client.get("/support/reports").status_code == 302


def test_wrong_password_and_unknown_account_answer_alike(client: FlaskClient, agent: str) -> None:
    wrong = sign_in(client, password="not the password at all")
    unknown = sign_in(client, email="nobody@example.com")
    assert wrong.status_code == unknown.status_code == 401
    for page in (wrong, unknown):
        assert "Wrong e-mail or password" in page.get_data(
            as_text=True
        ) or "Неправильна електронна пошта або пароль" in page.get_data(as_text=True)
    assert client.get("/support/reports").status_code == 302


def test_session_cookie_flags_over_http_and_https(app: Flask, agent: str) -> None:
    response = sign_in(app.test_client())
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure_client = app.test_client()
    token = csrf_token(secure_client)  # http: the CSRF cookie is not Secure
    secure = secure_client.post(
        "/support/login",
        base_url="https://localhost",
        headers={"Referer": "https://localhost/support/login"},
        data={"email": AGENT_EMAIL, "password": AGENT_PASSWORD, "csrf_token": token},
    )
    assert secure.status_code == 302
    assert "Secure" in secure.headers["Set-Cookie"] and "HttpOnly" in secure.headers["Set-Cookie"]


@pytest.mark.parametrize(
    "path,data",
    [
        ("/support/login", {"email": AGENT_EMAIL, "password": AGENT_PASSWORD}),
        (
            "/support/login",
            {"email": AGENT_EMAIL, "password": AGENT_PASSWORD, "csrf_token": "forged"},
        ),
        ("/support/logout", {}),
    ],
    ids=["login-without-token", "login-forged-token", "logout-without-token"],
)
def test_forms_need_the_csrf_token(
    client: FlaskClient, agent: str, path: str, data: dict[str, str]
) -> None:
    client.get("/support/login")
    response = client.post(path, data=data)
    assert response.status_code == 400
    assert "form has expired" in response.get_data(
        as_text=True
    ) or "Форма застаріла" in response.get_data(as_text=True)


def test_the_json_apis_need_no_csrf_token(client: FlaskClient) -> None:
    client.get("/support/login")  # a session with a CSRF token exists, and is not needed
    assert client.post("/api/v1/reports", json={}).status_code == 201
    assert client.post("/check/noscript").status_code == 303


@pytest.mark.parametrize(
    "target,landing",
    [
        ("/support/stats", "/support/stats"),
        ("https://evil.example/x", "/support/reports"),
        ("//evil.example/support/", "/support/reports"),
        ("/check", "/support/reports"),
        ("/support/\\evil", "/support/reports"),
    ],
    ids=["desk-page", "absolute-url", "scheme-relative", "outside-desk", "backslash"],
)
def test_login_redirects_only_inside_the_desk(
    client: FlaskClient, agent: str, target: str, landing: str
) -> None:
    assert sign_in(client, next=target).headers["Location"] == landing


def _lockout_app(tmp_path: Path, **config: object) -> Flask:
    return create_app(
        {
            "INSTANCE_PATH": str(tmp_path / "lock"),
            "TESTING": True,
            "LOGIN_MAX_FAILURES": 3,
            "LOGIN_MAX_CLIENT_FAILURES": 5,
            **config,
        }
    )


def test_account_is_locked_after_repeated_failures(tmp_path: Path) -> None:
    app = _lockout_app(tmp_path)
    app.extensions["browsercheck.accounts"].add_user(AGENT_EMAIL, AGENT_PASSWORD)
    client = app.test_client()
    for _ in range(3):
        assert sign_in(client, password="wrong password!!").status_code == 401
    locked = sign_in(client)  # even the right password waits now
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    assert "Too many failed attempts" in locked.get_data(
        as_text=True
    ) or "Забагато невдалих спроб" in locked.get_data(as_text=True)
    # Another client is locked out of this account too (the count is per account) ...
    other = app.test_client()
    data = {"email": AGENT_EMAIL, "password": AGENT_PASSWORD, "csrf_token": csrf_token(other)}
    elsewhere = other.post("/support/login", data=data, environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert elsewhere.status_code == 429
    # ... until the window has passed.
    accounts = app.extensions["browsercheck.accounts"]
    later = datetime.now(UTC) + timedelta(minutes=16)
    assert accounts.locked_for(AGENT_EMAIL, "127.0.0.1", now=later) == timedelta(0)
    app.extensions["browsercheck.store"].close()


def test_the_lock_is_kept_in_the_database_across_app_instances(tmp_path: Path) -> None:
    first = _lockout_app(tmp_path)
    first.extensions["browsercheck.accounts"].add_user(AGENT_EMAIL, AGENT_PASSWORD)
    client = first.test_client()
    for _ in range(3):
        sign_in(client, password="wrong password!!")
    second = _lockout_app(tmp_path)  # another worker process on the same database
    assert sign_in(second.test_client()).status_code == 429
    for app in (first, second):
        app.extensions["browsercheck.store"].close()


def test_one_client_is_slowed_down_across_accounts(tmp_path: Path) -> None:
    app = _lockout_app(tmp_path)
    app.extensions["browsercheck.accounts"].add_user(AGENT_EMAIL, AGENT_PASSWORD)
    client = app.test_client()
    for n in range(5):  # five different guessed accounts, two failures each at most
        sign_in(client, email=f"guess{n}@example.com", password="wrong password!!")
    assert sign_in(client).status_code == 429  # the real account, from the same client
    accounts = app.extensions["browsercheck.accounts"]
    assert accounts.locked_for(AGENT_EMAIL, "10.1.2.3") == timedelta(0)  # another client may
    app.extensions["browsercheck.store"].close()


def test_a_successful_login_restarts_the_account_count(tmp_path: Path) -> None:
    app = _lockout_app(tmp_path)
    app.extensions["browsercheck.accounts"].add_user(AGENT_EMAIL, AGENT_PASSWORD)
    client = app.test_client()
    for _ in range(2):
        sign_in(client, password="wrong password!!")
    assert sign_in(client).status_code == 302
    for _ in range(2):
        sign_in(app.test_client(), password="wrong password!!")
    assert sign_in(app.test_client()).status_code == 302
    app.extensions["browsercheck.store"].close()


def test_passwords_are_stored_as_argon2id_hashes(app: Flask, agent: str) -> None:
    accounts = app.extensions["browsercheck.accounts"]
    with accounts.session() as session:
        stored = session.scalar(select(UserRow.password_hash))
    assert stored.startswith("$argon2id$") and AGENT_PASSWORD not in stored


@pytest.mark.parametrize(
    "email,password,role,message",
    [
        ("not-an-email", AGENT_PASSWORD, "agent", "not an e-mail"),
        ("a@example.com", "short", "agent", "at least 12"),
        ("a@example.com", AGENT_PASSWORD, "root", "role must be"),
        (AGENT_EMAIL.upper(), AGENT_PASSWORD, "agent", "exists already"),
    ],
    ids=["bad-email", "short-password", "bad-role", "duplicate-any-case"],
)
def test_bad_accounts_are_refused(
    app: Flask, agent: str, email: str, password: str, role: str, message: str
) -> None:
    with pytest.raises(AccountError, match=message):
        app.extensions["browsercheck.accounts"].add_user(email, password, role)


def test_idle_sessions_end(app: Flask, desk: FlaskClient) -> None:
    assert desk.get("/support/reports").status_code == 200
    accounts = app.extensions["browsercheck.accounts"]
    with accounts.session() as session:
        session.execute(
            update(AgentSessionRow).values(last_seen_at=datetime.now(UTC) - timedelta(minutes=61))
        )
        session.commit()
    assert desk.get("/support/reports").status_code == 302


def test_removing_an_account_ends_its_sessions(app: Flask, desk: FlaskClient) -> None:
    app.extensions["browsercheck.accounts"].remove_user(AGENT_EMAIL)
    assert desk.get("/support/reports").status_code == 302


def test_users_page_is_for_admins(app: Flask, desk: FlaskClient) -> None:
    assert desk.get("/support/users").status_code == 403
    app.extensions["browsercheck.accounts"].add_user("boss@example.com", AGENT_PASSWORD, "admin")
    admin = app.test_client()
    sign_in(admin, email="boss@example.com")
    page = admin.get("/support/users?lang=en")
    assert page.status_code == 200 and AGENT_EMAIL in page.get_data(as_text=True)
