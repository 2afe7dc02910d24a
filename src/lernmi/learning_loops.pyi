# Types of lernmi.learning_loops as compiled (see activations.pyi for why these stubs exist).

from typing import final

import numpy as np
import numpy.typing as npt

from .network_loops import NetworkArrays
from .team import Team

@final
class Rows:
    def __init__(
        self,
        x: npt.NDArray[np.float64],
        t: npt.NDArray[np.float64],
        order: npt.NDArray[np.intp],
        keep: npt.NDArray[np.float64],
        batch: int,
        plain: bool,
    ) -> None: ...

def learn_on_threads(
    net: NetworkArrays, rows: Rows, score: npt.NDArray[np.float64], team: Team
) -> None: ...
def learn_rows(
    net: NetworkArrays,
    x: npt.NDArray[np.float64],
    t: npt.NDArray[np.float64],
    order: npt.NDArray[np.intp],
    score: npt.NDArray[np.float64],
    batch: int = 1,
    keep: npt.NDArray[np.float64] | None = None,
    threads: int = 1,
) -> None: ...
