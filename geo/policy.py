"""What to do with input that does not fit: a policy argument, as shapely's ``on_invalid``."""

from __future__ import annotations

from enum import Enum


class OnInvalid(str, Enum):
    RAISE = "raise"  # stop at the first bad row; nothing is replaced
    WARN = "warn"  # skip it, count it, report it with its line number
    IGNORE = "ignore"  # skip it and count it, report only the counts

    @classmethod
    def get(cls, value: str | OnInvalid) -> OnInvalid:
        try:
            return cls(value)
        except ValueError:
            choices = ", ".join(repr(m.value) for m in cls)
            raise ValueError(f"on_invalid must be one of {choices}, got {value!r}") from None
