"""Where a page draws: image and vector-drawing rectangles, and how they group into pictures.

Plain geometry on PDF rectangles (x0, y0, x1, y1, y downwards), for figure detection.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from reader.pdf.layout import Box

_IMAGE_TYPES = frozenset({"fill-image", "fill-imgmask"})
_PATH_TYPES = frozenset({"fill-path", "stroke-path", "fill-shade"})
MAX_GRAPHICS = 20_000  # per page; beyond this a page is a dense plot or hostile: keep the first
_CELL_BUDGET = 2_000_000  # grid cells visited per clustering, so a hostile page stays cheap
_CELL_DEPTH = 12  # rectangles remembered per grid cell (a denser cell is one picture anyway)


def page_graphics(page: Any) -> tuple[tuple[Box, ...], tuple[Box, ...]]:
    """Image and vector-drawing rectangles of a PyMuPDF page, from one cheap pass over its
    display list (`get_bboxlog`); (), () when the page cannot be read that way."""
    width, height = float(page.rect.width), float(page.rect.height)
    area = max(width * height, 1.0)
    images: list[Box] = []
    paths: list[Box] = []
    try:
        log = page.get_bboxlog()
    except Exception:
        return (), ()  # damaged content: no figure detection, the text is still read
    for kind, rect in log:
        if kind not in _IMAGE_TYPES and kind not in _PATH_TYPES:
            continue  # text and clips
        x0, y0 = max(float(rect[0]), 0.0), max(float(rect[1]), 0.0)
        x1, y1 = min(float(rect[2]), width), min(float(rect[3]), height)
        if not (x1 >= x0 and y1 >= y0):
            continue  # empty, infinite or off the page
        if kind in _PATH_TYPES and (x1 - x0) * (y1 - y0) > 0.5 * area:
            continue  # a page background or frame
        (images if kind in _IMAGE_TYPES else paths).append((x0, y0, x1, y1))
        if len(images) + len(paths) >= MAX_GRAPHICS:
            break
    return tuple(images), tuple(paths)


def union(boxes: Sequence[Box]) -> Box:
    """The bounding box of some boxes (at least one)."""
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def overlaps_x(a0: float, a1: float, b0: float, b1: float) -> bool:
    """The spans [a0, a1] and [b0, b1] share more than a point."""
    return min(a1, b1) - max(a0, b0) > 0


def near(a: Box, b: Box, gap: float) -> bool:
    """The boxes touch once each is grown by `gap` (a square, not a round, neighbourhood)."""
    return a[0] - gap <= b[2] and b[0] - gap <= a[2] and a[1] - gap <= b[3] and b[1] - gap <= a[3]


def inside(rect: Box, area: Box) -> bool:
    """The rectangle's centre lies in the area."""
    cx, cy = (rect[0] + rect[2]) / 2, (rect[1] + rect[3]) / 2
    return area[0] <= cx <= area[2] and area[1] <= cy <= area[3]


def clusters(rects: Sequence[Box], gap: float, width: float, height: float) -> list[Box]:
    """Bounding boxes of groups of rectangles lying within `gap` of each other.

    Rectangles are filed in a coarse grid and compared only with those filed in the same
    cells: near-linear, where comparing all pairs would be quadratic on pages with thousands
    of plot marks. Returns [] when the work would exceed a fixed budget (a hostile page).
    """
    rects = list(dict.fromkeys(rects))  # a shape filled and stroked is logged twice
    if not rects:
        return []
    cell = max(gap, max(width, height) / 250)
    pad = gap / 2
    parent = list(range(len(rects)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    filed: dict[tuple[int, int], list[int]] = defaultdict(list)
    visited = 0
    for i, rect in enumerate(rects):
        c0, c1 = int((rect[0] - pad) // cell), int((rect[2] + pad) // cell)
        r0, r1 = int((rect[1] - pad) // cell), int((rect[3] + pad) // cell)
        visited += (c1 - c0 + 1) * (r1 - r0 + 1)
        if visited > _CELL_BUDGET:
            return []
        candidates: set[int] = set()
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                members = filed[(r, c)]
                candidates.update(members)
                if len(members) < _CELL_DEPTH:
                    members.append(i)
        mine = i  # rect i is still its own root: it was never compared before
        for j in candidates:
            other = root(j)
            if other != mine and near(rect, rects[j], gap):
                parent[other] = mine
    groups: dict[int, list[Box]] = defaultdict(list)
    for i, rect in enumerate(rects):
        groups[root(i)].append(rect)
    return [union(members) for members in groups.values()]
