"""Backprop Explorer: a typed expression becomes its annotated computational graph."""

__version__ = "0.1.0"
