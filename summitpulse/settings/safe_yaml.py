"""YAML for config files: PyYAML's safe loader with a budget on what aliases stand for.

A few kilobytes of nested anchors and aliases (a "billion laughs" file) stand for billions of values. PyYAML
builds them as shared references, cheaply, but everything that walks the result afterwards (validation,
copying, hashing) pays for every value they stand for. The composer here adds up the size of each alias's
anchor as it meets it, and refuses the file before anything is built.
"""

from __future__ import annotations

import yaml

from .errors import ConfigError

ALIAS_BUDGET = 10_000  # values that aliases may stand for, in all; a config reusing a list a few times needs far fewer


class _Refused(yaml.YAMLError):
    def __init__(self, mark, problem: str):
        super().__init__(problem)
        self.problem_mark, self.problem = mark, problem


class BudgetLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses aliases standing for more than ALIAS_BUDGET values, or for themselves."""

    def __init__(self, stream):
        super().__init__(stream)
        self._spent = 0
        self._open: list[str] = []  # anchors of the collections being composed
        self._sizes: dict[int, int] = {}

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            self._spend(event)
            return super().compose_node(parent, index)
        self._open.append(event.anchor)
        try:
            return super().compose_node(parent, index)
        finally:
            self._open.pop()

    def _spend(self, event) -> None:
        if event.anchor in self._open:
            raise _Refused(event.start_mark, f"the alias *{event.anchor} sits inside its own anchor &{event.anchor}")
        node = self.anchors.get(event.anchor)
        if node is None:
            return  # PyYAML names the undefined alias itself
        self._spent += self._size(node)
        if self._spent > ALIAS_BUDGET:
            raise _Refused(
                event.start_mark,
                f"the aliases (*name) up to here stand for more than {ALIAS_BUDGET:,} values; "
                "write the values out, or use fewer anchors (&) and aliases",
            )

    def _size(self, node) -> int:
        """How many values ``node`` stands for, aliases inside it counted each time they appear."""
        key = id(node)
        if key not in self._sizes:
            if isinstance(node, yaml.MappingNode):
                children = [n for pair in node.value for n in pair]
            elif isinstance(node, yaml.SequenceNode):
                children = node.value
            else:
                children = []
            self._sizes[key] = 1 + sum(self._size(child) for child in children)
        return self._sizes[key]


def load_yaml(text: str, source: str):
    """The document in ``text``; ConfigError (naming ``source`` and the line) when it is not valid or refused."""
    try:
        return yaml.load(text, Loader=BudgetLoader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = "refused" if isinstance(exc, _Refused) else "not valid YAML"
        raise ConfigError(f"{source}: {what}{at}: {getattr(exc, 'problem', None) or exc}") from None
