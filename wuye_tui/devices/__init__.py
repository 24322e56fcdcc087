"""Gate devices: the ESC/POS slip printer, QR codes, the ID-card reader and plate cameras.

Device code only: no Textual, no Typer, no database. The services build what is printed
and keep the camera queue; the screens and the CLI attach these devices.
"""

from ..errors import WuyeError


class DeviceError(WuyeError):
    """A device is misconfigured, off or not answering (the message says which and what to do)."""
