"""What an import did: one outcome per record (or unreadable file), and its progress."""

import enum
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _


class Action(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"  # matched for an update that changes nothing
    DUPLICATE = "skipped as duplicate"
    FAILED = "failed"


@dataclass(frozen=True)
class Outcome:
    """What happened to one record (or to a whole file that could not be read)."""

    action: Action
    file: str
    location: str = ""
    title: str = ""
    message: str = ""
    article_id: int | None = None
    status: str = ""
    needs_review: bool = False
    # For a duplicate: the article it matched (``article_id``) and why.
    match_title: str = ""
    match_reason: str = ""

    @property
    def where(self) -> str:
        return f"{self.file}, {self.location}" if self.location else self.file


@dataclass
class ImportReport:
    """Every outcome of an import, in input order, and whether it was cut short.

    With ``keep_outcomes`` off (an import of any size handing its outcomes
    to ``on_outcomes`` as it goes) only the counts are kept.
    """

    outcomes: list[Outcome] = field(default_factory=list)
    dry_run: bool = False
    interrupted: bool = False
    formats: dict[str, str] = field(default_factory=dict)
    keep_outcomes: bool = True
    counts: Counter = field(default_factory=Counter)

    def __post_init__(self):
        self.counts.update(outcome.action for outcome in self.outcomes)

    def add(self, outcomes: list[Outcome]) -> None:
        self.counts.update(outcome.action for outcome in outcomes)
        if self.keep_outcomes:
            self.outcomes.extend(outcomes)

    def of(self, action: Action) -> list[Outcome]:
        return [o for o in self.outcomes if o.action is action]

    @property
    def failed(self) -> list[Outcome]:
        return self.of(Action.FAILED)

    def summary(self) -> str:
        """E.g. "6 created, 0 updated, 1 skipped as duplicates, 2 failed"."""
        counts = {action: self.counts[action] for action in Action}
        summary = _(
            "%(created)d created, %(updated)d updated, "
            "%(duplicates)d skipped as duplicates, %(failed)d failed"
        ) % {
            "created": counts[Action.CREATED],
            "updated": counts[Action.UPDATED],
            "duplicates": counts[Action.DUPLICATE],
            "failed": counts[Action.FAILED],
        }
        if counts[Action.UNCHANGED]:
            summary += _(", %(unchanged)d unchanged") % {
                "unchanged": counts[Action.UNCHANGED]
            }
        return summary


@dataclass(frozen=True)
class Progress:
    """Where an import is: files done of all, records done of the current file's."""

    files_done: int
    files_total: int
    records_done: int
    records_in_file: int
    # A streamed file's records are not counted ahead: how far its bytes are read.
    bytes_done: int = 0
    bytes_in_file: int = 0

    @property
    def fraction(self) -> float:
        if self.records_in_file:
            within = self.records_done / self.records_in_file
        elif self.bytes_in_file:
            within = min(self.bytes_done / self.bytes_in_file, 1.0)
        else:
            within = 0
        return (
            (self.files_done + within) / self.files_total if self.files_total else 1.0
        )
