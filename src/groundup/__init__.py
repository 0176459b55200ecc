"""groundup: machine learning from the ground up, carried all the way to production."""

__version__ = "0.1.0"
