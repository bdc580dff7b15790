"""Which platform a new order is filed under, and which platform a department belongs to.

Filed at the moment an order is created, from what it came through: the hotline number
(a county's own number is the county's), else the platform of the operator who took it,
else the tree's default (the home city). A department belongs to the platform named as
its directory city (`临江市清河县` → the county `qinghe`).
"""

from __future__ import annotations

from agent_desk.auth import Principal
from agent_desk.orders.hops import DepartmentPlatform
from directory import DirectoryService
from routing.platforms import PlatformTree


def department_platform(directory: DirectoryService, tree: PlatformTree) -> DepartmentPlatform:
    def platform_of(code: str) -> str | None:
        record = directory.get(code)
        found = tree.by_city(record.city) if record is not None else None
        return found.id if found is not None else None

    return platform_of


def order_platform(tree: PlatformTree, principal: Principal, *, hotline_number: str) -> str:
    """The platform an order taken by `principal` on `hotline_number` belongs to."""
    home = principal.platform or tree.default
    for platform in tree.platforms:
        own_number = platform.is_county and hotline_number in platform.hotline_numbers
        if own_number and (principal.platforms is None or platform.id in principal.platforms):
            return platform.id
    return home
