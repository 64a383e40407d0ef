"""``amzpay user``: staff accounts from the command line."""

from __future__ import annotations

import io

import pytest
from typer.testing import CliRunner

from amzpay.bootstrap import utc_now
from amzpay.cli import build_app, main
from amzpay.services.access import AccessService, LoginRefused, LoginThrottled
from amzpay.store.database import Database

PASSWORD = "correct horse battery"


@pytest.fixture
def access(sqlite_url):
    database = Database(sqlite_url)
    yield AccessService(database, utc_now)
    database.dispose()


def add(sqlite_url, monkeypatch, username="ada", password=PASSWORD, *extra):
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return main(["user", "add", username, "--password-stdin", "--database", sqlite_url, *extra])


def test_a_user_added_with_the_password_on_stdin_can_log_in(sqlite_url, monkeypatch, access):
    code = add(sqlite_url, monkeypatch, "ada", PASSWORD, "--name", "Ada Lovelace")

    session = access.log_in("ada", PASSWORD)
    assert code == 0
    assert session.name == "Ada Lovelace"


def test_the_password_is_asked_twice_without_echo(sqlite_url, access):
    runner = CliRunner()

    done = runner.invoke(
        build_app(), ["user", "add", "ada", "--database", sqlite_url], input=f"{PASSWORD}\n" * 2
    )

    assert done.exit_code == 0, done.output
    assert PASSWORD not in done.output
    assert "Repeat for confirmation" in done.output
    assert access.log_in("ada", PASSWORD).username == "ada"


def test_a_short_password_is_refused_naming_the_field(sqlite_url, monkeypatch, capsys, access):
    code = add(sqlite_url, monkeypatch, "ada", "short")

    assert code == 2
    assert "password: must be at least 12 characters" in capsys.readouterr().err
    assert access.users() == []


def test_a_taken_username_is_refused(sqlite_url, monkeypatch, capsys):
    add(sqlite_url, monkeypatch)

    code = add(sqlite_url, monkeypatch)

    assert code == 1
    assert "exists already" in capsys.readouterr().err


def test_the_list_says_who_may_log_in(sqlite_url, monkeypatch, capsys):
    add(sqlite_url, monkeypatch, "ada")
    add(sqlite_url, monkeypatch, "bob")
    main(["user", "disable", "bob", "--database", sqlite_url])
    capsys.readouterr()

    main(["user", "list", "--database", sqlite_url])

    lines = capsys.readouterr().out.splitlines()
    assert any(line.split()[:2] == ["ada", "yes"] for line in lines)
    assert any(line.split()[:2] == ["bob", "no"] for line in lines)


def test_disabling_a_user_ends_their_sessions_and_refuses_logins(sqlite_url, monkeypatch, access):
    add(sqlite_url, monkeypatch)
    session = access.log_in("ada", PASSWORD)

    code = main(["user", "disable", "ada", "--database", sqlite_url])

    assert code == 0
    assert access.session(session.token) is None
    with pytest.raises(LoginRefused):
        access.log_in("ada", PASSWORD)
    assert main(["user", "enable", "ada", "--database", sqlite_url]) == 0
    assert access.log_in("ada", PASSWORD).username == "ada"


def test_passwd_sets_a_new_password(sqlite_url, monkeypatch, access):
    add(sqlite_url, monkeypatch)
    new = "a much longer new password"
    monkeypatch.setattr("sys.stdin", io.StringIO(new + "\n"))

    code = main(["user", "passwd", "ada", "--password-stdin", "--database", sqlite_url])

    assert code == 0
    assert access.log_in("ada", new).username == "ada"
    with pytest.raises(LoginRefused):
        access.log_in("ada", PASSWORD)


def test_an_unknown_user_is_named(sqlite_url, capsys):
    code = main(["user", "disable", "nobody", "--database", sqlite_url])

    assert code == 2
    assert "no user 'nobody'" in capsys.readouterr().err


def test_the_list_counts_failed_logins_and_says_how_long_a_user_is_locked(
    sqlite_url, monkeypatch, capsys, access
):
    add(sqlite_url, monkeypatch, "ada")
    add(sqlite_url, monkeypatch, "bob")
    for _ in range(6):
        with pytest.raises((LoginRefused, LoginThrottled)):
            access.log_in("ada", "not the password at all", "198.51.100.7")
    capsys.readouterr()

    main(["user", "list", "--database", sqlite_url])

    lines = [line.split() for line in capsys.readouterr().out.splitlines() if line.strip()]
    rows = {words[0]: words[1:] for words in lines}
    assert rows["ada"][:2] == ["yes", "6"]
    assert rows["ada"][3] == "seconds"
    assert 20 <= int(rows["ada"][2]) <= 30  # the real clock runs on
    assert rows["bob"] == ["yes", "0"]


def test_failures_lists_the_failed_logins_newest_first(sqlite_url, monkeypatch, capsys, access):
    add(sqlite_url, monkeypatch, "ada")
    with pytest.raises(LoginRefused):
        access.log_in("nobody", PASSWORD, "198.51.100.7")
    with pytest.raises(LoginRefused):
        access.log_in("ada", "not the password at all", "203.0.113.9")
    capsys.readouterr()

    main(["user", "failures", "--database", sqlite_url])
    everyone = capsys.readouterr().out.splitlines()
    main(["user", "failures", "nobody", "--limit", "5", "--database", sqlite_url])
    only_nobody = capsys.readouterr().out.splitlines()

    rows = [line.split()[2:] for line in everyone[1:]]
    assert rows == [
        ["ada", "203.0.113.9", "wrong-password"],
        ["nobody", "198.51.100.7", "unknown-user"],
    ]
    assert [line.split()[2:] for line in only_nobody[1:]] == [
        ["nobody", "198.51.100.7", "unknown-user"]
    ]
