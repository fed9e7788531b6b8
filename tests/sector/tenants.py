"""A stand-in for a tenant in the sector tests: the parts of a tenant the rules read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Tenant:
    """What a plugin's rules and demo values may read of a unit."""

    kind: str = "ward"
    attributes: dict[str, Any] = field(default_factory=dict)
    name: str = "Phường Ba Đình"
    depth: int = 1
