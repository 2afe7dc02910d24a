# Types of lernmi.team as compiled (see activations.pyi for why these stubs exist).

import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, final

_Part = TypeVar("_Part")

@final
class Team:
    def __init__(self, threads: int) -> None: ...
    @property
    def threads(self) -> int: ...

def run(team: Team, work: Callable[[_Part, Team | None], Any], parts: Sequence[_Part]) -> None: ...
def join_all(workers: Sequence[threading.Thread]) -> None: ...
