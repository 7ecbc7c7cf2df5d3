"""What a print-out run reports back: how much was made, and anything to check."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RenderReport:
    """Pages and items rendered, and plain-English warnings (no personal values)."""

    pages: int = 0
    items: int = 0
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"pages": self.pages, "items": self.items, "warnings": list(self.warnings)}
