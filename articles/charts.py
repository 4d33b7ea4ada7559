"""Charts drawn on the server as inline SVG: no script, no download, readable at any width.

Bars and ticks are placed in percentages of the chart's width and text in
pixels, so the chart fills a phone or a desktop column without its text
shrinking or growing. Each bar's label sits on its own line above it.
"""

import math
from dataclasses import dataclass
from decimal import Decimal

LABEL_HEIGHT = 22  # a row's label line
BAR_HEIGHT = 16
ROW_GAP = 12
TOP = 28  # room for the heading of the food column
AXIS_HEIGHT = 48  # tick labels and the axis title
PLOT_WIDTH = 72  # percent of the width the bars may take; each bar's value is written after it
INSIDE_FROM = 60  # percent of the width: a bar this long has its value written inside its end, where it has room


@dataclass
class Bar:
    name: str
    serving: str
    amount: Decimal
    percent: int | None
    width: float  # percent of the chart's width
    y: int

    @property
    def value_inside(self):
        return self.width >= INSIDE_FROM


@dataclass
class Tick:
    value: Decimal
    x: float  # percent of the chart's width
    anchor: str


@dataclass
class FoodChart:
    bars: list
    ticks: list
    height: int
    axis_y: int
    plot_width: int


def nice_step(largest, most_ticks=5):
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving at most `most_ticks` intervals."""
    if largest <= 0:
        return Decimal(1)
    rough = Decimal(largest) / most_ticks
    power = Decimal(10) ** math.floor(math.log10(rough))
    for factor in (1, 2, Decimal("2.5"), 5, 10):
        if power * factor >= rough:
            return power * factor
    return power * 10


def food_chart(foods):
    """The food sources as bars of their amount per serving (in the article's unit), largest first."""
    foods = sorted(foods, key=lambda food: (-food.amount, food.order))
    if not foods:
        return None
    step = nice_step(max(food.amount for food in foods))
    top = max(step, math.ceil(max(food.amount for food in foods) / step) * step)
    bars = []
    y = TOP
    for food in foods:
        bars.append(
            Bar(
                food.name,
                food.serving,
                food.amount,
                food.percent_daily_value,
                float(food.amount / top * PLOT_WIDTH),
                y,
            )
        )
        y += LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
    count = int(top / step)
    ticks = []
    for index in range(count + 1):
        ticks.append(Tick((step * index).normalize(), index / count * PLOT_WIDTH, "start" if index == 0 else "middle"))
    return FoodChart(bars, ticks, y + AXIS_HEIGHT - ROW_GAP, y - ROW_GAP + 4, PLOT_WIDTH)
