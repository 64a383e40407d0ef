from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from textwrap import dedent

import pytest

from amzpay.oms.errors import (
    DuplicateName,
    InvalidProcessFile,
    UnknownCommand,
    UnknownCondition,
    UnknownEvent,
    UnknownState,
    UnreachableState,
    UnusedEvent,
)
from amzpay.oms.loader import load, parse_duration
from amzpay.processes.catalog import load_processes

MAIN = """
[process]
name = "shop"
initial = "new"
subprocesses = ["paying.toml"]

[states.new]
[states.paid]
flags = ["refundable"]

[events.pay]
command = "charge"

[[transitions]]
from = "new"
to = "paid"
event = "pay"
"""
PAYING = """
[states.refunded]

[events.refund]

[[transitions]]
from = "paid"
to = "refunded"
event = "refund"
condition = "is refundable"
"""


def write_process(tmp_path: Path, main: str = MAIN, paying: str = PAYING) -> Path:
    (tmp_path / "main.toml").write_text(dedent(main))
    (tmp_path / "paying.toml").write_text(dedent(paying))
    return tmp_path


def load_from(directory: Path):
    return load(directory, "main.toml", commands={"charge"}, conditions={"is refundable"})


def test_a_main_process_and_its_subprocess_are_merged_into_one_process(tmp_path):
    process = load_from(write_process(tmp_path))

    assert set(process.states) == {"new", "paid", "refunded"}
    assert process.files == ("main.toml", "paying.toml")
    assert process.states["paid"].flags == {"refundable"}
    assert [str(t) for t in process.leaving("paid")] == [
        "'paid' -> 'refunded' [refund] {is refundable}"
    ]


def test_the_shipped_process_files_load():
    processes = load_processes()

    assert set(processes) == {
        "amazon-pay-async",
        "amazon-pay-sync",
        "amazon-pay-v2",
        "amazon-pay-v2-sync",
    }


def test_a_transition_to_an_undeclared_state_is_an_error_naming_file_and_transition(tmp_path):
    paying = PAYING.replace('to = "refunded"', 'to = "refundded"')

    with pytest.raises(UnknownState) as error:
        load_from(write_process(tmp_path, paying=paying))

    assert error.value.file == "paying.toml"
    assert error.value.element == "transition #1 ('paid' -> 'refundded')"
    assert "no state 'refundded'" in str(error.value)


def test_an_unknown_initial_state_is_an_error(tmp_path):
    main = MAIN.replace('initial = "new"', 'initial = "fresh"')

    with pytest.raises(UnknownState) as error:
        load_from(write_process(tmp_path, main=main))

    assert (error.value.file, error.value.element) == ("main.toml", "[process] initial")


def test_a_transition_on_an_undeclared_event_is_an_error(tmp_path):
    paying = PAYING.replace('event = "refund"', 'event = "refnud"')

    with pytest.raises(UnknownEvent) as error:
        load_from(write_process(tmp_path, paying=paying))

    assert error.value.file == "paying.toml"
    assert "no event 'refnud'" in str(error.value)


def test_an_event_naming_an_unregistered_command_is_an_error(tmp_path):
    main = MAIN.replace('command = "charge"', 'command = "charge twice"')

    with pytest.raises(UnknownCommand) as error:
        load_from(write_process(tmp_path, main=main))

    assert (error.value.file, error.value.element) == ("main.toml", "event 'pay'")


def test_a_transition_naming_an_unregistered_condition_is_an_error(tmp_path):
    paying = PAYING.replace('"is refundable"', '"is refundible"')

    with pytest.raises(UnknownCondition) as error:
        load_from(write_process(tmp_path, paying=paying))

    assert error.value.file == "paying.toml"
    assert "no condition 'is refundible'" in str(error.value)


def test_a_state_no_path_leads_to_is_an_error(tmp_path):
    paying = PAYING + '\n[states."lost and found"]\n'

    with pytest.raises(UnreachableState) as error:
        load_from(write_process(tmp_path, paying=paying))

    assert (error.value.file, error.value.element) == ("paying.toml", "state 'lost and found'")


def test_an_event_no_transition_uses_is_an_error(tmp_path):
    paying = PAYING + '\n[events.forgotten]\ntrigger = "on-enter"\n'

    with pytest.raises(UnusedEvent) as error:
        load_from(write_process(tmp_path, paying=paying))

    assert (error.value.file, error.value.element) == ("paying.toml", "event 'forgotten'")


def test_an_event_declared_again_in_a_subprocess_is_an_error_naming_both_places(tmp_path):
    paying = PAYING + '\n[events.pay]\ntrigger = "on-enter"\n'

    with pytest.raises(DuplicateName) as error:
        load_from(write_process(tmp_path, paying=paying))

    assert (error.value.file, error.value.element) == ("paying.toml", "event 'pay'")
    assert "first in main.toml: event 'pay'" in str(error.value)


def test_a_state_declared_again_in_a_subprocess_is_an_error(tmp_path):
    paying = PAYING + "\n[states.paid]\n"

    with pytest.raises(DuplicateName) as error:
        load_from(write_process(tmp_path, paying=paying))

    assert error.value.element == "state 'paid'"


@pytest.mark.parametrize(
    ("paying", "element"),
    [
        ("[states.x\n", "file"),
        ('[events.wait]\ntrigger = "timeout"\n', "event 'wait'"),
        ("[events.wait]\ncommand = 7\n", "event 'wait'"),
        ('[events.wait]\ntrigger = "timeout"\ntimeout = "soon"\n', "event 'wait'"),
        ('[events.wait]\ntrigger = "sometimes"\n', "event 'wait'"),
        ('[events.wait]\ntimeout = "1 minute"\n', "event 'wait'"),
        ('[[transitions]]\nfrom = "new"\nto = "paid"\n', "transition #1"),
        ('[states.odd]\nflags = "refundable"\n', "state 'odd'"),
    ],
)
def test_a_malformed_element_is_an_error_naming_it(tmp_path, paying, element):
    with pytest.raises(InvalidProcessFile) as error:
        load_from(write_process(tmp_path, paying=paying))

    assert (error.value.file, error.value.element) == ("paying.toml", element)


def test_a_missing_subprocess_file_is_an_error_naming_it(tmp_path):
    write_process(tmp_path)
    (tmp_path / "paying.toml").unlink()

    with pytest.raises(InvalidProcessFile) as error:
        load_from(tmp_path)

    assert (error.value.file, error.value.reason) == ("paying.toml", "not found")


@pytest.mark.parametrize(
    ("text", "duration"),
    [
        ("1 minute", timedelta(minutes=1)),
        ("90 seconds", timedelta(seconds=90)),
        ("30 days", timedelta(days=30)),
        ("2 hours", timedelta(hours=2)),
        ("1 week", timedelta(weeks=1)),
    ],
)
def test_durations_are_read_in_words(text, duration):
    assert parse_duration(text) == duration


@pytest.mark.parametrize("text", ["", "minute", "0 days", "1.5 hours", "3 fortnights", "-1 day"])
def test_anything_else_is_not_a_duration(text):
    with pytest.raises(ValueError, match="is not a duration"):
        parse_duration(text)
