"""Reads of the network app, one module per domain (networks, members, people…).

Finding a network by its slug and listing the public ones are in `legami.core.tenancy`: every app's
pages resolve their network that way, territory included.
"""
