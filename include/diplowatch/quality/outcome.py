"""What a checkpoint run returns to its caller (an Airflow task, the demo, a test)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Severity = Literal["critical", "warning"]


class DataQualityError(RuntimeError):
    """A checkpoint found at least one critical failure; the message lists each of them."""


@dataclass(frozen=True)
class ExpectationOutcome:
    """One evaluated (or skipped) expectation of a checkpoint run."""

    suite: str
    expectation: str
    table: str
    column: str | None
    severity: Severity
    success: bool
    unexpected_count: int | None
    observed_value: str | None = None
    detail: str | None = None

    @property
    def message(self) -> str:
        """One line naming the expectation, the table (and column) and the unexpected count."""
        where = f"{self.table}.{self.column}" if self.column else self.table
        if self.success:
            return f"[{self.severity}] {self.suite}: {self.expectation} on {where} passed"
        parts = [f"[{self.severity}] {self.suite}: {self.expectation} failed on {where}"]
        if self.unexpected_count is not None:
            parts.append(f"{self.unexpected_count} unexpected row(s)")
        if self.observed_value is not None:
            parts.append(f"observed {self.observed_value}")
        if self.detail:
            parts.append(self.detail)
        return ", ".join(parts)


@dataclass
class CheckpointOutcome:
    """The verdict of one checkpoint run.

    ``success`` is False when any critical expectation failed; warnings never change it.
    """

    checkpoint: str
    run_id: str
    results: list[ExpectationOutcome] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    docs_path: Path | None = None
    history_path: Path | None = None

    @property
    def critical_failures(self) -> list[ExpectationOutcome]:
        return [r for r in self.results if not r.success and r.severity == "critical"]

    @property
    def warnings(self) -> list[ExpectationOutcome]:
        return [r for r in self.results if not r.success and r.severity != "critical"]

    @property
    def success(self) -> bool:
        return not self.critical_failures

    def summary(self) -> str:
        """A few lines for task logs and the run summary."""
        verdict = "PASSED" if self.success else "FAILED"
        lines = [
            f"GX checkpoint {self.checkpoint!r} for run {self.run_id!r}: {verdict} "
            f"({len(self.results)} expectations, {len(self.critical_failures)} critical failures, "
            f"{len(self.warnings)} warnings)"
        ]
        lines += [f"  {r.message}" for r in self.critical_failures + self.warnings]
        lines += [f"  skipped: {s}" for s in self.skipped]
        if self.docs_path:
            lines.append(f"  Data Docs: {self.docs_path}")
        if self.history_path:
            lines.append(f"  history: {self.history_path}")
        return "\n".join(lines)

    def raise_for_critical(self) -> None:
        """Raise DataQualityError listing every critical failure, if there is one."""
        if self.success:
            return
        lines = [r.message for r in self.critical_failures]
        docs = f"\nData Docs: {self.docs_path}" if self.docs_path else ""
        raise DataQualityError(
            f"GX checkpoint {self.checkpoint!r} failed for run {self.run_id!r} with "
            f"{len(lines)} critical failure(s):\n" + "\n".join(lines) + docs
        )
