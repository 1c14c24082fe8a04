"""Lineage: group ids that survive regrouping.

Stories and threads are regrouped over everything stored whenever new articles arrive, and a
regrouping may extend, merge or split earlier groups. A group that continues an earlier one
keeps that group's id, so that links, bookmarks and exports made before still lead to it;
only groups with no earlier counterpart get a new id.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Container, Mapping, Sequence

#: Makes an id from member ids: a hash of all of them, so that the same parts always give the
#: same id and different parts different ids.
FreshId = Callable[[list[str]], str]


def inherit_ids(
    new_groups: Sequence[Sequence[str]],
    old: Mapping[str, frozenset[str]],
    fresh_id: FreshId,
    in_use: Container[str] = (),
) -> list[str]:
    """The id of each group of ``new_groups`` (member ids, first member first), in order.

    ``old`` maps each earlier group's id to its members. A new group inherits the id of the
    old group it shares the most members with. Pairs (new group, old group) are taken
    greedily, most shared members first, ties by old id and then by the new group's sorted
    members, and each old id and each new group is used once: when old groups merge, the one
    contributing most members lends its id; when one splits, its largest part keeps it.

    A group left without an old id gets ``fresh_id([first member])``. An id is taken when an
    old group had it (an id never moves to an unrelated group), when it is ``in_use`` (held
    by a group outside this regrouping), or when another new group got it;
    then the group gets ``fresh_id(sorted members)``, and failing that the sorted members
    followed by a counter ("2", "3", ...). Every id returned is distinct, and the same
    arguments always give the same ids. Groups must not be empty.
    """
    ids: list[str | None] = _inherited(new_groups, old)
    # ``in_use`` is only asked about, never copied: it may hold every story in the store, and
    # a regrouping touches a few of them (copying it made each new article cost O(stories)).
    taken = set(old) | {i for i in ids if i is not None}
    for n, group in enumerate(new_groups):
        if ids[n] is None:
            fresh = _first_free(group, fresh_id, lambda i: i in taken or i in in_use)
            ids[n] = fresh
            taken.add(fresh)
    return [i for i in ids if i is not None]


def _inherited(
    new_groups: Sequence[Sequence[str]], old: Mapping[str, frozenset[str]]
) -> list[str | None]:
    """The old id each new group inherits, None for those that inherit none."""
    owners: dict[str, list[str]] = {}
    for old_id, members in old.items():
        for member in members:
            owners.setdefault(member, []).append(old_id)
    pairs: list[tuple[int, str, tuple[str, ...], int]] = []
    for n, group in enumerate(new_groups):
        shared = Counter(old_id for member in set(group) for old_id in owners.get(member, ()))
        sorted_members = tuple(sorted(set(group)))
        pairs.extend((-count, old_id, sorted_members, n) for old_id, count in shared.items())
    ids: list[str | None] = [None] * len(new_groups)
    used: set[str] = set()
    for _, old_id, _, n in sorted(pairs):
        if ids[n] is None and old_id not in used:
            ids[n] = old_id
            used.add(old_id)
    return ids


def _first_free(group: Sequence[str], fresh_id: FreshId, taken: Callable[[str], bool]) -> str:
    if not group:
        raise ValueError("a group must have at least one member")
    members = sorted(set(group))
    candidate = fresh_id([group[0]])
    if not taken(candidate):
        return candidate
    candidate, counter = fresh_id(members), 1
    tried = {candidate}
    while taken(candidate):
        counter += 1
        candidate = fresh_id([*members, str(counter)])
        if candidate in tried:  # it would loop for ever
            raise ValueError("fresh_id must give different ids for different parts")
        tried.add(candidate)
    return candidate
