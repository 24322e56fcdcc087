"""wuye (物业): the front desk and guard post of a property, in a terminal."""

__version__ = "0.1.0"
