"""Steps other apps add to the creation of a network (e.g. the needs app seeds its standard areas).

The network app cannot import the apps built on it; each of them registers a step here from its
AppConfig.ready(), and the network-creation service runs them all inside its transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

NetworkSetup = Callable[..., Any]

_STEPS: list[NetworkSetup] = []


def register_network_setup(step: NetworkSetup) -> NetworkSetup:
    """Add `step(network=...)` to what runs when a network is created (once per function); returns it."""
    if step not in _STEPS:
        _STEPS.append(step)
    return step


def run_network_setup(network: Any) -> None:
    """Run every registered step for a newly created `network`, in registration order."""
    for step in list(_STEPS):
        step(network=network)
