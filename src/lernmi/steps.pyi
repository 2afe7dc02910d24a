# Types of lernmi.steps as compiled (see activations.pyi for why these stubs exist). The
# codes, the layout and the step itself are C (see steps.pxd); Python sees these two.

RULES: dict[str, int]
FIELDS: tuple[str, ...]
