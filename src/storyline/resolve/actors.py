"""Which entities are actors: not the outlets that report on them.

A news agency or outlet named in an article ("MOSCOW (Reuters) --", "according to AFP",
"Zahar told Aljazeera") is who reports, not who acts; spaCy labels such names anything from
ORG to PERSON. An entity whose name is an outlet's, one of the well-known outlets and agencies
or the outlet or agency of an article read (:func:`storyline.group.threads.outlet_keys`), is
an organisation and an outlet, and no cast lists it.
"""

from __future__ import annotations

from storyline.group.stories import name_key as group_name_key
from storyline.group.threads import outlet_form, outlet_keys
from storyline.records import Entity

__all__ = ["OUTLET_TYPE", "is_outlet", "is_outlet_name", "outlet_keys"]

#: The type of an outlet's entity, whatever spaCy read its name as.
OUTLET_TYPE = "ORG"


def is_outlet(entity: Entity, outlets: frozenset[str]) -> bool:
    """The entity's name is an outlet's (``outlets``: keys from :func:`outlet_keys`).

    The name only, not its aliases: "Michael Bloomberg" is a person even where a mention of
    him reads "Bloomberg".
    """
    return is_outlet_name(entity.name, outlets)


def is_outlet_name(name: str, outlets: frozenset[str]) -> bool:
    key = group_name_key(name)  # the key outlet_keys compares outlets by
    return key is not None and outlet_form(key) in outlets
