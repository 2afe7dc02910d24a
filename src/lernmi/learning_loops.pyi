# Types of lernmi.learning_loops as compiled (see activations.pyi for why these stubs exist).

from typing import final

import numpy as np
import numpy.typing as npt

from .network_loops import NetworkArrays
from .stores import Moments

@final
class Rows:
    def __init__(
        self,
        x: npt.NDArray[np.float64],
        t: npt.NDArray[np.float64],
        order: npt.NDArray[np.intp],
        keep: npt.NDArray[np.float64],
        batch: int,
        identity: bool,
        rates: npt.NDArray[np.float64],
    ) -> None: ...

@final
class Scratch:
    def __init__(
        self,
        t: int,
        pack: npt.NDArray[np.float64],
        moments: Moments,
    ) -> None: ...

MAX_THREADS: int


def learn_rows(
    net: NetworkArrays,
    x: npt.NDArray[np.float64],
    t: npt.NDArray[np.float64],
    order: npt.NDArray[np.intp],
    score: npt.NDArray[np.float64],
    batch: int = 1,
    keep: npt.NDArray[np.float64] | None = None,
    threads: int = 1,
    rates: npt.NDArray[np.float64] | None = None,
) -> None: ...
