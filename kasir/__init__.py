"""Kasir QRIS: a desktop cashier that takes payments by dynamic QRIS through OrderKuota."""

__version__ = "0.1.0"
