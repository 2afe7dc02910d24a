# Types of lernmi.costs as compiled (see activations.pyi for why these stubs exist).

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

class Cost(NamedTuple):
    name: str
    code: int
    outputs: tuple[str, ...] | None
    probabilities: bool
    formulas: dict[str | None, str]
    sensitivity: str | None
    sensitivity_shown: str | None

TABLE: tuple[Cost, ...]
COSTS: dict[str, Cost]
COST_NAMES: dict[int, str]

def cost_code(name: str) -> int: ...
def check_cost(cost: str, activation: str) -> None: ...
def check_targets(t: npt.NDArray[np.float64], cost: str, activation: str, what: str) -> None: ...
def formula(cost: str, activation: str) -> str: ...
def cost_of(cost: str, activation: str, a: npt.ArrayLike, t: npt.ArrayLike) -> float: ...
