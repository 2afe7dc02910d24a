# Types of lernmi.stores as compiled (see activations.pyi for why these stubs exist).

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
from typing_extensions import disjoint_base

class NeuronViews(NamedTuple):
    kind: npt.NDArray[np.intc]
    z: npt.NDArray[np.float64]
    delta: npt.NDArray[np.float64]
    direct: npt.NDArray[np.float64]
    a: npt.NDArray[np.float64]
    s: npt.NDArray[np.float64]
    keep: npt.NDArray[np.float64]

NUMBERS: tuple[str, ...]
LINE_BYTES: int

def zeros(size: int, dtype: npt.DTypeLike = ...) -> npt.NDArray[Any]: ...

@disjoint_base
class NeuronStore:
    def __init__(
        self,
        kind: npt.NDArray[np.intc],
        z: npt.NDArray[np.float64],
        delta: npt.NDArray[np.float64],
        direct: npt.NDArray[np.float64],
        a: npt.NDArray[np.float64],
        s: npt.NDArray[np.float64],
        keep: npt.NDArray[np.float64] | None = None,
    ) -> None: ...
    @property
    def size(self) -> int: ...
    def views(self) -> NeuronViews: ...

def new_store(kinds: Sequence[int] | npt.NDArray[np.integer]) -> NeuronStore: ...

@disjoint_base
class Moments:
    @property
    def weights(self) -> int: ...
    def __init__(
        self, m: npt.NDArray[np.float64], v: npt.NDArray[np.float64], g: npt.NDArray[np.float64]
    ) -> None: ...
    def views(
        self,
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]: ...

def new_moments(weights: int, cols: int) -> Moments: ...

@disjoint_base
class LinkStore:
    def __init__(
        self,
        w: npt.NDArray[np.float64],
        eta: npt.NDArray[np.float64],
        rows: int,
        cols: int,
        settings: npt.NDArray[np.float64] | None = None,
        moments: Moments | None = None,
    ) -> None: ...
    def moments_views(
        self,
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]: ...
    def views(
        self,
    ) -> tuple[
        npt.NDArray[np.float64],
        npt.NDArray[np.float64],
        npt.NDArray[np.float64],
        npt.NDArray[np.float64],
    ]: ...
    @property
    def rows(self) -> int: ...
    @property
    def cols(self) -> int: ...
