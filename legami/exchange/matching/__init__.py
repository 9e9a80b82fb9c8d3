"""The matching engine: needs meet offers (compatibility, optimal assignment, the greedy baseline, explanations).

Pure Python and numpy on plain records, no database: the exchange services feed it open needs and offers and
store its proposals as Match rows; `manage.py match_offers` runs it on CSV files.
"""

from legami.needs.timewindows import TimeWindow

from .compat import compatible
from .explain import explain
from .model import MatchResult, NeedInput, OfferInput, Proposal, haversine_km
from .solve import SolverError, greedy_match, match

__all__ = [
    "MatchResult",
    "NeedInput",
    "OfferInput",
    "Proposal",
    "SolverError",
    "TimeWindow",
    "compatible",
    "explain",
    "greedy_match",
    "haversine_km",
    "match",
]
