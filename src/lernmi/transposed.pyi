# Types of lernmi.transposed as compiled (see activations.pyi for why these stubs exist).

from collections.abc import Sequence
from typing import Any, final

import numpy as np

from lernmi.network_loops import NetworkArrays

BLANK: float
READY: bool

@final
class Transposed:
    def __init__(self, row0: int, rows: int, cols: int, batch: int) -> None: ...

def inputs_for(net: NetworkArrays, x: Any, order: Sequence[int] | np.ndarray[Any, Any],
               batch: int, row0: int, rows: int) -> Transposed | None: ...
