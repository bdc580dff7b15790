"""Hotline's composition root and base layer.

The base layer (`clock`, `config`, `database`, `errors`) is what every feature package may
use; the top layer (`bootstrap`, `cli`, `http`) reads configuration, builds every
component, passes dependencies in and provides the `hotline` command. Nothing outside
this package constructs shared objects.
"""
