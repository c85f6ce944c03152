"""Bar charts as inline SVG, drawn here: no charting library, no script. Colours come from the
site stylesheet's variables through classes (study.css), so dark mode applies; the numbers are
in a table beside each chart for screen readers and for anyone who prefers them."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT, GAP = 600, 160, 2


def bar_chart(
    *, values: list[int], title: str, chart_id: str, target: float | None = None
) -> SafeString:
    """Bars for `values` left to right, scaled to the largest; `target` (a value) draws a
    horizontal line."""
    top = max([*values, target or 0, 1])
    width = WIDTH / max(len(values), 1)
    bars = format_html_join(
        "",
        '<rect class="chart-bar" x="{}" y="{}" width="{}" height="{}"></rect>',
        (
            (
                _number(index * width + GAP / 2),
                _number(HEIGHT - value / top * HEIGHT),
                _number(max(width - GAP, 1)),
                _number(value / top * HEIGHT),
            )
            for index, value in enumerate(values)
        ),
    )
    line = ""
    if target is not None:
        y = _number(HEIGHT - target / top * HEIGHT)
        line = format_html(
            '<line class="chart-target" x1="0" x2="{}" y1="{}" y2="{}"></line>',
            WIDTH,
            y,
            y,
        )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title" '
        'preserveAspectRatio="none"><title id="{}-title">{}</title>'
        '<line class="chart-axis" x1="0" x2="{}" y1="{}" y2="{}"></line>{}{}</svg>',
        WIDTH,
        HEIGHT,
        chart_id,
        chart_id,
        title,
        WIDTH,
        HEIGHT,
        HEIGHT,
        bars,
        line,
    )


def _number(value: float) -> str:
    return f"{value:.1f}"
