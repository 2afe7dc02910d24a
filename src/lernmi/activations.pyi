# Types of lernmi.activations as compiled, for type checkers and editors. Only what Python
# can reach is here: the codes, the formulas and the loops are C (see activations.pxd),
# invisible from Python. tools/check_release.sh runs mypy's stubtest to keep every stub of
# lernmi true to its module.

from typing import NamedTuple

class Activation(NamedTuple):
    name: str
    code: int
    gain: float
    uses: tuple[str, ...]
    formula: str
    shown: str
    slope: str
    slope_shown: str

ANYWHERE: tuple[str, ...]
RELU_GAIN: float
TABLE: tuple[Activation, ...]
ACTIVATIONS: dict[str, Activation]
ACTIVATION_NAMES: dict[int, str]

def usable(use: str) -> tuple[str, ...]: ...
def activation_code(name: str, use: str | None = None, what: str = "activation") -> int: ...
def output_of(name: str, z: float) -> float: ...
def slope_of(name: str, z: float, a: float) -> float: ...
