# Types of lernmi.rooms as compiled (see activations.pyi for why these stubs exist).

from typing import final

import numpy as np
import numpy.typing as npt

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
