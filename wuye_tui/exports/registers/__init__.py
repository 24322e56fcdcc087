

from ..registry import REGISTERS, Register
from . import complaints, core, gate, gate_refusals, guard  # noqa: F401  (each registers its own)


def load_registers() -> dict[str, Register]:
    """Every register of every area."""
    return REGISTERS
