"""Lineage: a regrouped group keeps the id of the earlier group it continues."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storyline.group.lineage import inherit_ids
from storyline.ids import content_id


def fresh(parts: list[str]) -> str:
    return content_id("g", *parts)


#: A partition of member names into groups (disjoint, non-empty), each group in some order.
partitions = st.lists(
    st.sets(st.text("abcdefgh", min_size=1, max_size=3), min_size=1, max_size=4),
    max_size=6,
).map(lambda sets: _disjoint([sorted(s) for s in sets]))


def _disjoint(groups: list[list[str]]) -> list[list[str]]:
    seen: set[str] = set()
    kept = []
    for group in groups:
        members = [m for m in group if m not in seen]
        seen.update(members)
        if members:
            kept.append(members)
    return kept


def old_groups(groups: list[list[str]], ids: list[str]) -> dict[str, frozenset[str]]:
    return {old_id: frozenset(group) for old_id, group in zip(ids, groups, strict=False)}


#: Old ids: plain names, or ids a fresh group of one member would get (so that they collide).
old_ids = st.lists(
    st.one_of(
        st.text("xyz", min_size=1, max_size=2),
        st.text("abcdefgh", min_size=1, max_size=3).map(lambda m: fresh([m])),
    ),
    unique=True,
)


@given(partitions, partitions, old_ids)
def test_every_id_is_distinct_and_an_old_id_goes_only_to_its_continuation(
    new, before, names
) -> None:
    old = old_groups(before, names)
    ids = inherit_ids(new, old, fresh)
    assert len(ids) == len(new) == len(set(ids))
    for group, group_id in zip(new, ids, strict=True):
        if group_id in old:
            assert old[group_id] & set(group)


@given(partitions, st.data())
def test_an_unchanged_grouping_gets_back_its_old_ids(groups, data) -> None:
    ids = [f"old{n}" for n in range(len(groups))]
    order = data.draw(st.permutations(range(len(groups))))
    shuffled = [list(reversed(groups[n])) for n in order]  # order of groups and members is free
    assert inherit_ids(shuffled, old_groups(groups, ids), fresh) == [ids[n] for n in order]


@given(partitions, st.lists(st.integers(0, 3)), st.booleans())
def test_groups_that_only_gain_members_keep_their_ids(groups, gains, extra_group) -> None:
    ids = [f"old{n}" for n in range(len(groups))]
    grown = [
        [*group, *(f"new{n}-{i}" for i in range(gains[n] if n < len(gains) else 0))]
        for n, group in enumerate(groups)
    ]
    if extra_group:
        grown.insert(0, ["brand-new"])
    got = inherit_ids(grown, old_groups(groups, ids), fresh)
    assert got == ([fresh(["brand-new"])] if extra_group else []) + ids


def test_a_merge_keeps_the_larger_share_and_a_split_keeps_the_larger_part() -> None:
    old = {"big": frozenset("abc"), "small": frozenset("de")}
    assert inherit_ids([list("abcde")], old, fresh) == ["big"]
    split = inherit_ids([["a"], ["b", "c"], ["d", "e"]], old, fresh)
    assert split == [fresh(["a"]), "big", "small"]


def test_a_fresh_id_already_taken_falls_back_to_all_members() -> None:
    # "a" started the old group, which now goes on without it: its id stays with the larger
    # part, so "a"'s own new group cannot be named after "a" alone.
    old = {fresh(["a"]): frozenset("abc")}
    ids = inherit_ids([["a", "x"], ["b", "c"]], old, fresh)
    assert ids == [fresh(["a", "x"]), fresh(["a"])]
    # a single member's "all members" id is its first-member id again: a counter follows
    assert inherit_ids([["a"], ["b", "c"]], old, fresh) == [fresh(["a", "2"]), fresh(["a"])]


def test_an_id_held_outside_the_regrouping_is_never_given_again() -> None:
    # "a" once started a story that lives on outside this regrouping without it
    ids = inherit_ids([["a", "x"]], {}, fresh, in_use={fresh(["a"])})
    assert ids == [fresh(["a", "x"])]


def test_a_fresh_id_that_ignores_its_parts_is_refused() -> None:
    with pytest.raises(ValueError, match="different ids"):
        inherit_ids([["a"], ["b", "c"]], {"same": frozenset("bc")}, lambda parts: "same")
