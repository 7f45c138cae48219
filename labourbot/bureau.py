"""Contact facts of the Tainan City Government Labor Affairs Bureau, in one place.

Bureau staff should check these before going live; everything the bot says about how to reach the
bureau comes from here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bureau:
    name: str
    phone_hint: str
    offices: tuple[str, ...]


BUREAU = Bureau(
    name="臺南市政府勞工局",
    phone_hint="撥打臺南市民服務專線 1999 轉勞工局",
    offices=("永華市政中心（臺南市安平區永華路二段6號）", "民治市政中心（臺南市新營區民治路36號）"),
)
