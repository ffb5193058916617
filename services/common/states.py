"""Lifecycles: the statuses an object of one kind goes through and the moves allowed between them, so that no
status is ever set by hand. Framework-free; each service's domain declares its own (e.g.
`services/loan/domain/lifecycles.py`) and its entrypoints call `move` instead of assigning `.status`."""
from services.common.refusal import Refused


class Lifecycle:
    """`moves` maps each status to the statuses it may be reached from: `{"approved": ("pending",), ...}`. A move
    from anywhere else is refused as a conflict with the object's state (`<KIND>_STATE`, 409), naming both."""

    def __init__(self, kind, moves):
        self.kind = kind
        self.moves = {target: frozenset(sources) for target, sources in moves.items()}
        self.code = f"{kind.upper()}_STATE"

    @property
    def statuses(self):
        return frozenset(self.moves).union(*self.moves.values())

    def allowed(self, current, target):
        return current in self.moves.get(target, ())

    def move(self, obj, target, **changes):
        """Set `obj.status` to `target` (with the other attributes in `changes`) if the move is allowed."""
        if target not in self.moves:
            raise ValueError(f"{self.kind}: no move leads to {target!r}")
        if not self.allowed(obj.status, target):
            raise Refused(self.code, f"the {self.kind.replace('_', ' ')} is {obj.status}; it cannot become {target}",
                          kind="conflict", status=obj.status, to=target)
        obj.status = target
        for name, value in changes.items():
            setattr(obj, name, value)
