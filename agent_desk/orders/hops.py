"""Where an order may go in the platform tree: the rules the life cycle cannot see alone.

The life cycle (agent_desk.orders.lifecycle) knows 下派 (hand_down) and 退回上级 (hand_up)
as moves between statuses; whether the platform named is below the order's, and whether
a department dispatched to belongs to the order's platform (or one below it), needs the
tree (routing.platforms) and the directory. `PlatformHops.check` answers both before the
move is applied and fills in the platform a hand-up goes to (the parent).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from agent_desk.errors import TransitionInvalid
from agent_desk.orders.lifecycle import Step, Transition
from agent_desk.orders.models import WorkOrder
from routing.platforms import PlatformTree

# The platform of a department code (its directory city's), or None when unknown.
DepartmentPlatform = Callable[[str], str | None]


class PlatformHops:
    def __init__(self, tree: PlatformTree, department_platform: DepartmentPlatform) -> None:
        self._tree = tree
        self._department_platform = department_platform

    @property
    def default(self) -> str:
        """Where an order with no origin of its own is filed (the home city)."""
        return self._tree.default

    def check(self, order: WorkOrder, step: Step) -> Step:
        """`step` as it is to be applied to `order`, or TransitionInvalid."""
        here = order.platform
        t = step.transition
        if t is Transition.HAND_UP:
            current = self._tree.get(here)
            if current is None or current.parent is None:
                raise TransitionInvalid(
                    f"order {order.number} is at {here or 'no platform'}: nothing above it",
                    details={"transition": t.value, "platform": here},
                )
            return dataclasses.replace(step, platform=current.parent)
        if t is Transition.HAND_DOWN:
            target = step.platform or ""
            if self._tree.get(target) is None:
                raise TransitionInvalid(f"unknown platform {target!r}",
                                        details={"transition": t.value})  # fmt: skip
            if target == here or not self._tree.is_below(target, here):
                raise TransitionInvalid(
                    f"platform {target} is not below {here}: an order is handed down only",
                    details={"transition": t.value, "platform": target},
                )
        if t in (Transition.DISPATCH, Transition.REASSIGN) and step.department_code:
            owner = self._department_platform(step.department_code)
            if owner is not None and here and not self._tree.is_below(owner, here):
                raise TransitionInvalid(
                    f"department {step.department_code} belongs to {owner}, not to {here} or "
                    "below: hand the order up first",
                    details={"transition": t.value, "platform": owner},
                )
        return step
