"""What the progress page shows: three reads from the selectors and their charts."""

from datetime import datetime

from study import charts
from study.selectors import aggregates


def progress_of(*, member, now: datetime) -> dict:
    reviews = aggregates.reviews_per_day(member=member, now=now)
    forecast = aggregates.due_forecast(member=member, now=now)
    retention = aggregates.true_retention(member=member, now=now)
    return {
        "reviews": reviews,
        "reviews_chart": charts.bar_chart(
            values=[day.count for day in reviews],
            title="Grades per day, the last 30 days",
            chart_id="reviews-chart",
        ),
        "forecast": forecast,
        "forecast_chart": charts.bar_chart(
            values=[day.count for day in forecast],
            title="Cards coming due per day, the next 30 days",
            chart_id="forecast-chart",
        ),
        "retention": retention,
        "retention_chart": charts.bar_chart(
            values=[round((retention["retention"] or 0) * 100)],
            target=retention["target"] * 100,
            title="True retention against the target, percent",
            chart_id="retention-chart",
        ),
    }
