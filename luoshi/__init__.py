"""luoshi (落实): from a county speech to an accountable, tracked plan."""

__version__ = "0.1.0"
