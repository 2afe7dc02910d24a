# Types of lernmi.maths as compiled, for type checkers and editors. Only what Python can
# reach is here: the arithmetic and the loops are C functions (see maths.pxd), invisible
# from Python. tools/check_release.sh runs mypy's stubtest to keep this true to the module.

from collections.abc import Sequence
from typing import final

import numpy as np
import numpy.typing as npt

ACTIVATIONS: dict[str, int]
ACTIVATION_NAMES: dict[int, str]
COSTS: dict[str, int]

def activation_code(name: str) -> int: ...
def cost_code(name: str) -> int: ...
def sample_cost(
    cost: int,
    kind: npt.NDArray[np.intc],
    a: npt.NDArray[np.float64],
    first: int,
    t: npt.NDArray[np.float64],
) -> float: ...
def as_number(value: float) -> float: ...
@final
class NetworkArrays:
    def __init__(
        self,
        kinds: Sequence[npt.ArrayLike],
        weights: Sequence[npt.ArrayLike],
        eta: float,
        cost: int,
    ) -> None: ...
    @property
    def cost(self) -> int: ...
    @property
    def layers(self) -> int: ...
    def layer_sizes(self) -> tuple[int, ...]: ...
    def neuron_views(
        self, l: int
    ) -> tuple[
        npt.NDArray[np.intc],
        npt.NDArray[np.float64],
        npt.NDArray[np.float64],
        npt.NDArray[np.float64],
        npt.NDArray[np.float64],
    ]: ...
    def scratch(
        self,
    ) -> tuple[
        npt.NDArray[np.intc],
        npt.NDArray[np.float64],
        npt.NDArray[np.float64],
        npt.NDArray[np.float64],
    ]: ...
    def link_views(self, l: int) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]: ...
