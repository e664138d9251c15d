"""SuccessDesk: a support desk for vendors that sell paid success packages."""

__version__ = "0.1.0"
