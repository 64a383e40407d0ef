"""What stops a command before it can do its work: a setting that does not fit, a database
that cannot be opened, reached or used. ``main`` says it in plain lines on stderr (the
setting or the database named, never a secret) and exits 2; no traceback."""

from __future__ import annotations

from typing import Final

EXIT_CODE: Final = 2


class CommandFailed(Exception):
    """One line per problem; raised anywhere in a command, said by ``main`` on stderr.
    ``exit_code`` 1 is for what the command was asked about (an unknown refund, a name
    taken), 2 (the default) for what keeps it from running at all."""

    def __init__(self, *lines: str, exit_code: int = EXIT_CODE) -> None:
        super().__init__("\n".join(lines))
        self.lines, self.exit_code = lines, exit_code
