# Types of lernmi.network as compiled (see maths.pyi for why these stubs exist).

import os
from collections.abc import Callable, Iterable

import numpy as np
import numpy.typing as npt

from .layers import LinkLayer, NeuronLayer
from .maths import COSTS as COSTS
from .tracing import Trace

HIDDEN_ACTIVATIONS: tuple[str, ...]
PROGRESS_STEP: int
THREADS: int
PART_ROWS: int

class Network:
    def __init__(
        self,
        layer_sizes: Iterable[int],
        *,
        activation: str = "sigmoid",
        output_activation: str | None = None,
        cost: str = "quadratic",
        training_rate: float = 0.1,
        seed: int | None = None,
    ) -> None: ...
    @property
    def neuron_layers(self) -> tuple[NeuronLayer, ...]: ...
    @property
    def link_layers(self) -> tuple[LinkLayer, ...]: ...
    @property
    def layer_sizes(self) -> tuple[int, ...]: ...
    @property
    def cost(self) -> str: ...
    @property
    def training_rate(self) -> float: ...
    @training_rate.setter
    def training_rate(self, value: float) -> None: ...
    def run(self, inputs: npt.ArrayLike) -> npt.NDArray[np.float64]: ...
    def learn(self, inputs: npt.ArrayLike, expected_outputs: npt.ArrayLike) -> None: ...
    def trace(
        self,
        inputs: npt.ArrayLike,
        expected_outputs: npt.ArrayLike | None = None,
        *,
        learn: bool = False,
    ) -> Trace: ...
    def train(
        self,
        inputs: npt.ArrayLike,
        expected_outputs: npt.ArrayLike,
        *,
        epochs: int = 1,
        shuffle: bool = True,
        validation_data: tuple[npt.ArrayLike, npt.ArrayLike] | None = None,
        schedule: Callable[[int], float] | None = None,
        progress: bool | None = None,
    ) -> dict[str, list[float]]: ...
    def predict(self, inputs: npt.ArrayLike) -> npt.NDArray[np.float64]: ...
    def evaluate(self, inputs: npt.ArrayLike, expected_outputs: npt.ArrayLike) -> float: ...
    def save(self, path: str | os.PathLike[str]) -> None: ...
    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Network: ...
