# Types of lernmi.network_loops as compiled (see activations.pyi for why these stubs exist).

from collections.abc import Sequence
from typing import final

import numpy as np
import numpy.typing as npt

from .costs import COSTS as COSTS  # imported at run time too
from .stores import LinkStore, NeuronStore

ROWS: int
BLOCK: int
TILED: int

@final
class NetworkArrays:
    def __init__(
        self,
        kinds: Sequence[npt.ArrayLike],
        weights: Sequence[npt.ArrayLike],
        eta: float,
        cost: int,
        settings: npt.ArrayLike | None = None,
    ) -> None: ...
    @property
    def cost(self) -> int: ...
    @property
    def layers(self) -> int: ...
    def layer_sizes(self) -> tuple[int, ...]: ...
    def layer_store(self, l: int) -> NeuronStore: ...
    def link_store(self, l: int) -> LinkStore: ...
    def scratch(self, samples: int = 1) -> NeuronStore: ...

@final
class Room:
    def __init__(self, net: NetworkArrays, samples: int) -> None: ...
    @property
    def samples(self) -> int: ...

def infer_rows(
    net: NetworkArrays,
    x: npt.NDArray[np.float64],
    t: npt.NDArray[np.float64],
    outputs: npt.NDArray[np.float64],
    scores: npt.NDArray[np.float64],
) -> None: ...
def network_sizes(net: NetworkArrays) -> tuple[int, ...]: ...
