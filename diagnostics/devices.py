"""Device class from the model and the screen: tablets that say ``Mobile``, phones that do not.

The UA's ``Mobile`` token is Android's own convention for phones, but many Samsung Galaxy Tab
builds send it too, and Chrome's 'desktop site' mode or device emulation remove or add it. The
model (the UA's token or ``Sec-CH-UA-Model``) and the probe's screen are better witnesses: the
model tables are data (``diagnostics/data/device_models.yaml``), the screen rule is the one
Android itself uses for its ``sw600dp`` tablet resources (the shortest side in CSS pixels,
https://developer.android.com/guide/topics/large-screens/support-different-screen-sizes).
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from typing import Any, Literal

import yaml

ModelClass = Literal["tablet", "phone"]
#: Shortest side, in CSS pixels, from which a touch screen is a tablet's (Android's sw600dp).
TABLET_MIN_SIDE = 600


def _load_model_prefixes() -> tuple[tuple[str, ...], tuple[str, ...]]:
    text = resources.files("diagnostics").joinpath("data/device_models.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    return tuple(map(str, data["tablets"])), tuple(map(str, data["phones"]))


#: Model prefixes of tablets and of phones, from ``diagnostics/data/device_models.yaml`` (read
#: at import: constant data, nothing loads in a user's request).
TABLET_PREFIXES, PHONE_PREFIXES = _load_model_prefixes()


def model_class(model: str | None) -> ModelClass | None:
    """``"tablet"`` or ``"phone"`` for a model the tables know (by prefix), else None."""
    if not model:
        return None
    if model.startswith(TABLET_PREFIXES):
        return "tablet"
    if model.startswith(PHONE_PREFIXES):
        return "phone"
    return None


def screen_class(probe: Mapping[str, Any] | None) -> ModelClass | None:
    """What the probe's screen says on a touch device: ``"tablet"`` when its shortest side is
    at least :data:`TABLET_MIN_SIDE` CSS pixels, ``"phone"`` below; None without touch or a
    readable screen (a desktop, a report without the probe)."""
    if not isinstance(probe, Mapping):
        return None
    touch = probe.get("maxTouchPoints")
    screen = probe.get("screen")
    if not isinstance(touch, int) or isinstance(touch, bool) or touch < 1:
        return None
    if not isinstance(screen, Mapping):
        return None
    sides = []
    for side in (screen.get("width"), screen.get("height")):
        if not isinstance(side, int | float) or isinstance(side, bool) or side <= 0:
            return None
        sides.append(side)
    return "tablet" if min(sides) >= TABLET_MIN_SIDE else "phone"
