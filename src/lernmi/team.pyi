# Types of lernmi.team as compiled (see activations.pyi for why these stubs exist).

from typing import final

@final
class Team:
    def __init__(self, threads: int) -> None: ...
    @property
    def threads(self) -> int: ...
