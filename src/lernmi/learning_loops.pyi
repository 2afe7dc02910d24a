# Types of lernmi.learning_loops as compiled (see activations.pyi for why these stubs exist).

import numpy as np
import numpy.typing as npt

from .network_loops import NetworkArrays

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
