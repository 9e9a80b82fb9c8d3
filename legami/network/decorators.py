"""The network-page decorator now lives in `legami.core.decorators` (territory, below network, uses it too).

Kept so that modules still importing it from here keep working while the branches of issue 7 merge;
`capability_rewrite.py` moves those imports to core, after which this module can be deleted.
"""

from legami.core.decorators import network_view

__all__ = ["network_view"]
