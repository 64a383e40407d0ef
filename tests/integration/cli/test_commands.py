from __future__ import annotations

from amzpay.cli import main
from amzpay.store.database import Database
from amzpay.store.migrate import head_revision
from fakes.orders import make_order
from fakes.world import World


def test_db_upgrade_migrates_a_new_database(sqlite_url, capsys):
    code = main(["db", "upgrade", "--database", sqlite_url])

    assert code == 0
    assert f"is at revision {head_revision()}" in capsys.readouterr().out


def test_the_worker_once_does_what_is_due_and_exits(sqlite_url, capsys):
    database = Database(sqlite_url)
    World(database).place(make_order(), run=False)
    database.dispose()

    code = main(["worker", "--once", "--database", sqlite_url])

    # No Amazon Pay client is configured yet: the authorize command waits for a retry.
    assert code == 0
    assert "1 command(s) run" in capsys.readouterr().out


def test_process_list_names_every_process(capsys):
    main(["process", "list"])

    out = capsys.readouterr().out
    assert "amazon-pay-async (legacy orders)" in out
    assert "amazon-pay-sync (legacy orders)" in out
    assert "amazon-pay-v2 (v2 orders)" in out
    assert "amazon-pay-v2-sync (v2 orders)" in out


def test_the_diagram_of_a_process_is_dot_text(capsys):
    code = main(["process", "diagram", "amazon-pay-async", "--format", "dot"])

    dot = capsys.readouterr().out
    assert code == 0
    assert dot.startswith('digraph "amazon-pay-async" {')
    assert '"closed" -> "refund requested"' in dot


def test_the_v2_processes_are_drawn_in_api_v2s_words(capsys):
    code = main(["process", "diagram", "amazon-pay-v2", "--format", "dot"])

    dot = capsys.readouterr().out
    assert code == 0
    assert dot.startswith('digraph "amazon-pay-v2" {')
    assert '"authorized" -> "capture requested"' in dot
    assert '"refund initiated" -> "refunded"' in dot
    assert "auth open" not in dot


def test_the_diagram_highlights_the_states_of_a_v2_orders_items(sqlite_url, capsys):
    database = Database(sqlite_url)
    world = World(database)
    order = world.place(make_order(), "amazon-pay-v2")
    world.fire(order, "capture", ["L1-1"])
    database.dispose()

    diagram = ["process", "diagram", "amazon-pay-v2", "--order", order, "--format", "dot"]
    main([*diagram, "--database", sqlite_url])

    dot = capsys.readouterr().out
    assert '"captured" [label="captured\\ncaptured, refundable\\n1 item(s) here"' in dot
    assert '"authorized" [label="authorized\\ncapturable, reserved\\n1 item(s) here"' in dot


def test_the_diagram_highlights_the_states_of_an_orders_items(sqlite_url, capsys):
    database = Database(sqlite_url)
    world = World(database)
    order = world.place(make_order())
    world.fire(order, "capture", ["L1-1"])
    database.dispose()

    main(
        [
            "process",
            "diagram",
            "amazon-pay-async",
            "--order",
            order,
            "--format",
            "dot",
            "--database",
            sqlite_url,
        ]
    )

    dot = capsys.readouterr().out
    assert (
        '"capture completed" [label="capture completed\\ncaptured, refundable\\n1 item(s) here"'
        in dot
    )
    assert '"auth open" [label="auth open\\ncapturable, reserved\\n1 item(s) here"' in dot


def test_an_unknown_process_is_refused(capsys):
    code = main(["process", "diagram", "warehouse", "--format", "dot"])

    assert code == 2
    assert "no process 'warehouse'" in capsys.readouterr().err


def test_the_diagram_renders_to_svg(tmp_path):
    target = tmp_path / "async.svg"

    code = main(["process", "diagram", "amazon-pay-async", "--output", str(target)])

    assert code == 0
    assert b"<svg" in target.read_bytes()
