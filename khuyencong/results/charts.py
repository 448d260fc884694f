"""Chart geometry for the dashboard, drawn as inline SVG by templates (no JavaScript, no CDN, prints).

Each builder takes figures from `aggregation` and returns plain dataclasses of coordinates and labels;
the templates only place them. The same rows fill the table behind each chart, so what is drawn and
what is read aloud cannot disagree.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from khuyencong.core.money import group

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 40
PALETTE = ("#1f5f99", "#d9822b", "#2e8540", "#8a3ffc", "#b5172e", "#5a6872")


def nice_max(value: float) -> int:
    """The smallest 1, 2 or 5 × 10^k at or above `value` (at least 1), for a readable axis."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return int(step * power)
    return int(10 * power)


def short_number(value: int) -> str:
    """Axis labels in Vietnamese style: 500.000, 1,5 tr., 12 tr., 1,2 tỷ, 5 tỷ."""
    for size, unit in ((1_000_000_000, "tỷ"), (1_000_000, "tr.")):
        if abs(value) >= size:
            text = f"{value / size:.1f}".replace(".", ",").removesuffix(",0")
            whole, _, fraction = text.partition(",")
            return group(int(whole)) + ("," + fraction if fraction else "") + f" {unit}"
    return group(value)


@dataclass
class Tick:
    y: float
    label: str


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    color: str
    label: str  # category label (x axis)
    value: int
    text: str  # the value, formatted
    series: str = ""
    href: str = ""


@dataclass
class Chart:
    title: str
    width: int = WIDTH
    height: int = HEIGHT
    ticks: list[Tick] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    x_labels: list[tuple[float, str]] = field(default_factory=list)
    series: list[tuple[str, str]] = field(default_factory=list)  # (name, color) for the legend
    line: str = ""  # polyline points
    points: list[Bar] = field(default_factory=list)
    plot_bottom: float = HEIGHT - BOTTOM
    plot_left: float = LEFT
    plot_right: float = WIDTH - RIGHT

    @property
    def empty(self) -> bool:
        return not any(b.value for b in self.bars) and not any(p.value for p in self.points)

    @property
    def table(self) -> list[tuple[str, list[Bar]]]:
        """The drawn values as rows (one per x label, one cell per series) for the table behind the chart."""
        rows: dict[str, list[Bar]] = {}
        for bar in self.bars or self.points:
            rows.setdefault(bar.label, []).append(bar)
        return list(rows.items())

    @property
    def legend_names(self) -> list[str]:
        return [name for name, _ in self.series] or [self.title]


def _ticks(top: int) -> list[Tick]:
    """Gridlines at round values: fifths of 1 or 5 × 10^k, quarters of 2 × 10^k."""
    plot = HEIGHT - TOP - BOTTOM
    parts = 4 if str(top).startswith("2") else 5
    return [
        Tick(y=round(HEIGHT - BOTTOM - plot * i / parts, 1), label=short_number(top * i // parts))
        for i in range(parts + 1)
    ]


def _scale(value: int, top: int) -> float:
    return (HEIGHT - TOP - BOTTOM) * value / top


def bars(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    *,
    stacked: bool = False,
    hrefs: Sequence[str] = (),
    money: bool = True,
) -> Chart:
    """Vertical bars per label: several series side by side, or stacked."""
    n = max(len(labels), 1)
    slot = (WIDTH - LEFT - RIGHT) / n
    if stacked:
        top = nice_max(max((sum(values[i] for _, values in series) for i in range(len(labels))), default=0))
    else:
        top = nice_max(max((v for _, values in series for v in values), default=0))
    chart = Chart(title=title, ticks=_ticks(top))
    chart.series = [(name, PALETTE[k % len(PALETTE)]) for k, (name, _) in enumerate(series)]
    inner = slot * 0.7
    for i, label in enumerate(labels):
        x0 = LEFT + slot * i + (slot - inner) / 2
        chart.x_labels.append((LEFT + slot * (i + 0.5), label))
        base: float = HEIGHT - BOTTOM
        for k, (name, values) in enumerate(series):
            value = values[i]
            height = _scale(value, top)
            if stacked:
                x, width, y = x0, inner, base - height
                base = y
            else:
                width = inner / len(series)
                x, y = x0 + width * k, HEIGHT - BOTTOM - height
            chart.bars.append(
                Bar(
                    x=round(x, 1),
                    y=round(y, 1),
                    width=round(width, 1),
                    height=round(height, 1),
                    color=PALETTE[k % len(PALETTE)],
                    label=label,
                    value=value,
                    text=group(value) + (" ₫" if money else ""),
                    series=name,
                    href=hrefs[i] if i < len(hrefs) else "",
                )
            )
    return chart


def trend(title: str, labels: Sequence[str], values: Sequence[int], *, hrefs: Sequence[str] = ()) -> Chart:
    """A line through one value per label (years), with a marker at each point."""
    n = max(len(labels), 1)
    slot = (WIDTH - LEFT - RIGHT) / n
    top = nice_max(max(values, default=0))
    chart = Chart(title=title, ticks=_ticks(top))
    coords = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = LEFT + slot * (i + 0.5)
        y = HEIGHT - BOTTOM - _scale(value, top)
        coords.append(f"{x:.1f},{y:.1f}")
        chart.x_labels.append((x, label))
        chart.points.append(
            Bar(
                x=round(x, 1),
                y=round(y, 1),
                width=0,
                height=0,
                color=PALETTE[0],
                label=label,
                value=value,
                text=group(value),
                href=hrefs[i] if i < len(hrefs) else "",
            )
        )
    chart.line = " ".join(coords)
    return chart


@dataclass
class HBar:
    y: float
    width: float
    label: str
    value: int
    text: str
    href: str = ""


@dataclass
class HChart:
    title: str
    rows: list[HBar]
    width: int = WIDTH
    height: int = 0
    label_width: int = 310

    @property
    def empty(self) -> bool:
        return not any(r.value for r in self.rows)


def hbars(title: str, rows: Iterable[tuple[str, int, str]], *, money: bool = True) -> HChart:
    """Horizontal bars (long Vietnamese category names read better beside the bar than under it)."""
    items = list(rows)
    top = max((v for _, v, _ in items), default=0) or 1
    span = WIDTH - 310 - 120
    chart = HChart(title=title, rows=[], height=28 * len(items) + 8)
    for i, (label, value, href) in enumerate(items):
        chart.rows.append(
            HBar(
                y=8 + 28 * i,
                width=round(span * value / top, 1),
                label=label,
                value=value,
                text=group(value) + (" ₫" if money else ""),
                href=href,
            )
        )
    return chart


# --- map ---------------------------------------------------------------------------------------------


@dataclass
class Dot:
    x: float
    y: float
    r: float
    label: str
    projects: int = 0
    support: int = 0
    jobs: int = 0
    href: str = ""


@dataclass
class MapChart:
    width: int
    height: int
    background: list[Dot]
    symbols: list[Dot]
    unplaced: list[str]

    @property
    def empty(self) -> bool:
        return not self.symbols


Coordinate = float | Decimal | None


def project_map(
    background: Iterable[tuple[Coordinate, Coordinate]],
    places: Iterable[tuple[Coordinate, Coordinate, str, int, int, int, str]],
    *,
    width: int = 640,
    height: int = 520,
) -> MapChart:
    """Commune centres as faint dots (they outline the province) and projects as circles sized by count.

    Equirectangular projection around the mean latitude (longitude scaled by its cosine): at a
    province's size the distortion is far below what a symbol at a commune centre can show.
    """
    ground = [(float(lat), float(lon)) for lat, lon in background if lat is not None and lon is not None]
    rows = list(places)
    found = [(float(p[0]), float(p[1]), *p[2:]) for p in rows if p[0] is not None and p[1] is not None]
    unplaced = [p[2] for p in rows if p[0] is None or p[1] is None]
    points = ground + [(p[0], p[1]) for p in found]
    if not points:
        return MapChart(width=width, height=height, background=[], symbols=[], unplaced=unplaced)
    lat_min, lat_max = min(p[0] for p in points), max(p[0] for p in points)
    lon_min, lon_max = min(p[1] for p in points), max(p[1] for p in points)
    k = math.cos(math.radians((lat_min + lat_max) / 2))
    span_x = max((lon_max - lon_min) * k, 1e-6)
    span_y = max(lat_max - lat_min, 1e-6)
    pad = 24
    scale = min((width - 2 * pad) / span_x, (height - 2 * pad) / span_y)
    used_w, used_h = span_x * scale, span_y * scale
    off_x, off_y = (width - used_w) / 2, (height - used_h) / 2

    def project(lat: float, lon: float) -> tuple[float, float]:
        return round(off_x + (lon - lon_min) * k * scale, 1), round(off_y + (lat_max - lat) * scale, 1)

    most = max((p[3] for p in found), default=1) or 1
    symbols = []
    for lat, lon, label, projects, support, jobs, href in sorted(found, key=lambda p: -p[3]):
        x, y = project(lat, lon)
        symbols.append(
            Dot(
                x=x,
                y=y,
                r=round(4 + 14 * math.sqrt(projects / most), 1),
                label=label,
                projects=projects,
                support=support,
                jobs=jobs,
                href=href,
            )
        )
    dots = [Dot(*project(lat, lon), r=1.6, label="") for lat, lon in ground]
    return MapChart(width=width, height=height, background=dots, symbols=symbols, unplaced=unplaced)
