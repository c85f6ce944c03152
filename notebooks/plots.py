"""A result against a parameter as an inline SVG, drawn here on the server: no script, no
library. Colours come from classes that notebooks.css paints with the site's variables, so the
plot follows dark mode; a title and description name it for screen readers, and the page puts
the same numbers in a table beside it."""

import math
from collections.abc import Sequence

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 560, 340
LEFT, RIGHT, TOP, BOTTOM = 72, 20, 16, 56
TICKS = 5


def number_text(value: float) -> str:
    return f"{value:.4g}"


def nice_ticks(low: float, high: float, count: int = TICKS) -> list[float]:
    """Round tick values covering [low, high] (1, 2 or 5 times a power of ten apart)."""
    if low == high:
        pad = abs(low) * 0.1 or 1.0
        low, high = low - pad, high + pad
    raw_step = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw_step))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw_step)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value < high + step * 0.999:
        ticks.append(round(value, 12))
        value += step
    return ticks


def scatter_svg(
    points: Sequence[tuple[float, float, str]], *, x_label: str, y_label: str, plot_id: str = "plot"
) -> SafeString:
    """Points (x, y, the name of each, such as "Run 3") joined in order of x, on axes with
    round ticks. Empty markup when there is no point."""
    if not points:
        return mark_safe("")
    xs = nice_ticks(min(p[0] for p in points), max(p[0] for p in points))
    ys = nice_ticks(min(p[1] for p in points), max(p[1] for p in points))
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def sx(x: float) -> float:
        return LEFT + (x - xs[0]) / (xs[-1] - xs[0]) * plot_width

    def sy(y: float) -> float:
        return TOP + plot_height - (y - ys[0]) / (ys[-1] - ys[0]) * plot_height

    parts = [
        format_html(
            '<svg class="result-plot" viewBox="0 0 {} {}" role="img" '
            'aria-labelledby="{}-title {}-desc" xmlns="http://www.w3.org/2000/svg">',
            WIDTH,
            HEIGHT,
            plot_id,
            plot_id,
        ),
        format_html('<title id="{}-title">{} against {}</title>', plot_id, y_label, x_label),
        format_html(
            '<desc id="{}-desc">{} points; {} from {} to {}, {} from {} to {}.</desc>',
            plot_id,
            len(points),
            x_label,
            number_text(min(p[0] for p in points)),
            number_text(max(p[0] for p in points)),
            y_label,
            number_text(min(p[1] for p in points)),
            number_text(max(p[1] for p in points)),
        ),
    ]
    bottom, right = TOP + plot_height, LEFT + plot_width
    for tick in xs:
        parts.append(
            format_html(
                '<line class="plot-grid" x1="{x}" y1="{top}" x2="{x}" y2="{bottom}"/>'
                '<text class="plot-tick" x="{x}" y="{text_y}" text-anchor="middle">{label}</text>',
                x=f"{sx(tick):.1f}",
                top=TOP,
                bottom=bottom,
                text_y=bottom + 18,
                label=number_text(tick),
            )
        )
    for tick in ys:
        parts.append(
            format_html(
                '<line class="plot-grid" x1="{left}" y1="{y}" x2="{right}" y2="{y}"/>'
                '<text class="plot-tick" x="{text_x}" y="{y}" text-anchor="end" '
                'dominant-baseline="middle">{label}</text>',
                y=f"{sy(tick):.1f}",
                left=LEFT,
                right=right,
                text_x=LEFT - 6,
                label=number_text(tick),
            )
        )
    parts.append(
        format_html(
            '<line class="plot-axis" x1="{l}" y1="{b}" x2="{r}" y2="{b}"/>'
            '<line class="plot-axis" x1="{l}" y1="{t}" x2="{l}" y2="{b}"/>',
            l=LEFT,
            r=right,
            t=TOP,
            b=bottom,
        )
    )
    parts.append(
        format_html(
            '<text class="plot-label" x="{}" y="{}" text-anchor="middle">{}</text>',
            LEFT + plot_width / 2,
            HEIGHT - 8,
            x_label,
        )
    )
    parts.append(
        format_html(
            '<text class="plot-label" transform="translate(16 {}) rotate(-90)" '
            'text-anchor="middle">{}</text>',
            TOP + plot_height / 2,
            y_label,
        )
    )
    # A line only when each x has one run: several runs at one x (a grid over another parameter
    # too) would be joined by a zigzag that means nothing.
    if len(points) > 1 and len({x for x, _y, _name in points}) == len(points):
        line = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y, _name in points)
        parts.append(format_html('<polyline class="plot-line" points="{}"/>', line))
    for x, y, name in points:
        parts.append(
            format_html(
                '<circle class="plot-point" cx="{}" cy="{}" r="5">'
                "<title>{}: {} = {}, {} = {}</title></circle>",
                f"{sx(x):.1f}",
                f"{sy(y):.1f}",
                name,
                x_label,
                number_text(x),
                y_label,
                number_text(y),
            )
        )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 - each part escaped above
