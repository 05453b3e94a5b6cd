"""The one error every validator of the protocol raises."""

from __future__ import annotations

from collections.abc import Iterable


class Invalid(ValueError):
    """A value the protocol does not allow. ``problems`` are whole sentences for a person (an
    operator at a command line, a district admin, a log line): what is wrong and what is
    allowed. A ValueError, so callers that already refuse bad input on ValueError keep doing so.
    """

    def __init__(self, problems: str | Iterable[str]) -> None:
        self.problems = (problems,) if isinstance(problems, str) else tuple(problems)
        super().__init__(self.problems[0] if len(self.problems) == 1 else
                         f"{len(self.problems)} problems:\n"
                         + "\n".join(f"  - {p}" for p in self.problems))
