"""Render time of the worst markdown we could build, against ordinary prose of the same length
rendered in the same run.

    TRACKER_ENV=development python bench/markdown_worst.py [--sizes 10000 30000 100000]
                                                           [--rounds 3] [--unbounded]

Each case is rendered through tracker.markdown.render_markdown (pre-pass, Python-Markdown under
its time limit, nh3, links) at each size, the largest being MARKDOWN_MAX_CHARS; the best of
`--rounds` is printed with its ratio to prose, and whether it came out as markdown or, past the
time limit, as plain text. `--unbounded` also times bare Python-Markdown, as it was before the
limits, skipping the larger sizes of a case once one takes over 5 s.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("TRACKER_ENV", "development")

import django

django.setup()

import markdown as python_markdown  # noqa: E402

from tracker import markdown_limits  # noqa: E402
from tracker.markdown import (  # noqa: E402
    _EXTENSIONS,
    MARKDOWN_MAX_CHARS,
    MARKDOWN_RENDER_SECONDS,
    Glossary,
    render_markdown,
)

# Forty terms, so the auto-linking pass costs what it costs on a real glossary.
GLOSSARY = Glossary(slug_by_name={f"term number {n}": f"term-{n}" for n in range(40)})
UNBOUNDED_GIVE_UP_SECONDS = 5.0


def repeat(unit: str, length: int) -> str:
    return (unit * (length // len(unit) + 1))[:length]


def nested_list(length: int, indent: str) -> str:
    lines, depth, used = [], 0, 0
    while used < length:
        line = indent * depth + "- item\n"
        lines.append(line)
        used += len(line)
        depth += 1
    return "".join(lines)[:length]


def table(length: int, columns: int) -> str:
    head = "|" + "h|" * columns + "\n|" + "-|" * columns + "\n"
    return head + repeat("|" + "a|" * columns + "\n", length - len(head))


CASES = {
    "prose (baseline)": lambda n: repeat("The quick brown fox jumps over the lazy dog. ", n),
    "[[[[ nested brackets": lambda n: "[" * n,
    "[[[[ ]]]] balanced": lambda n: "[" * (n // 2) + "]" * (n // 2),
    "[a]( unclosed links": lambda n: repeat("[a](", n),
    '[a]("x) quoted links': lambda n: repeat('[a]("x) ', n),
    "![ images": lambda n: repeat("![", n),
    "[( mixed": lambda n: "[" * (n // 2) + "](" * (n // 4),
    "[x] short refs": lambda n: repeat("[x] ", n),
    "[[x]] wiki-links": lambda n: repeat("[[term number 7]] ", n),
    "[a]: refdefs + uses": lambda n: repeat("[a]: http://a\n", n // 2) + repeat("[a] ", n // 2),
    "[^1] footnotes": lambda n: repeat("[^1]", n // 2 - 2) + "\n\n" + repeat("[^1]: x\n", n // 2),
    "*_*_ emphasis mix": lambda n: repeat("*_", n),
    "** ladder": lambda n: repeat("**", n // 2 - 1) + "a" + repeat("**", n // 2),
    "*a emphasis": lambda n: repeat("*a", n),
    "***a": lambda n: repeat("***a", n),
    "**a bold": lambda n: repeat("**a ", n),
    "` backticks": lambda n: repeat("`a", n),
    "``a` backtick runs": lambda n: repeat("``a`", n),
    "``` unclosed fences": lambda n: repeat("```\n", n),
    "~~~a unclosed fences": lambda n: repeat("~~~a\n", n),
    "~~~ then spaces": lambda n: "~~~" + " " * (n - 4) + "x",
    "\\ backslashes": lambda n: "\\" * n,
    "<a html-ish": lambda n: repeat("<a ", n),
    "<a x=' quotes": lambda n: repeat("<a x='>", n),
    "<div> blocks": lambda n: repeat("<div>", n),
    "<http autolinks": lambda n: repeat("<http://a", n),
    "<!-- comments": lambda n: repeat("<!--", n),
    "& entities": lambda n: repeat("&#", n),
    ">>>> blockquotes": lambda n: ">" * (n - 2) + " a",
    "> lines, deep": lambda n: repeat("> ", n // 2) + "\n" + repeat("> a\n", n // 2 - 1),
    "1. 1. 1. one line": lambda n: repeat("1. ", n),
    "- - - nested": lambda n: repeat("- ", n // 2 - 2) + "a\n" + repeat("  ", n // 2 - 1) + "b",
    "nested list, 2 spaces": lambda n: nested_list(n, "  "),
    "nested list, 4 spaces": lambda n: nested_list(n, "    "),
    "flat list": lambda n: repeat("- a\n", n),
    "table, many columns": lambda n: table(n, n // 5),
    "table, many rows": lambda n: table(n, 2),
    "# headers": lambda n: repeat("# a\n", n),
    "setext headers": lambda n: repeat("a\n=\n", n),
    "one long line": lambda n: "x" * n,
    "unicode": lambda n: repeat("é漢字😀 ", n),
    "mixed [*_`<": lambda n: repeat("[*_`<", n),
}


def best_time(render, source: str, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        render(source)
        best = min(best, time.perf_counter() - started)
    return best


def bounded(source: str) -> str:
    return render_markdown(source, glossary=GLOSSARY)


def unbounded(source: str) -> str:
    try:
        return python_markdown.markdown(source, extensions=_EXTENSIONS, output_format="html")
    except RecursionError:
        return ""


def came_out_as(source: str) -> str:
    converted = markdown_limits.convert_within(
        markdown_limits.neutralize(markdown_limits.scrub(source)),
        extensions=_EXTENSIONS,
        seconds=MARKDOWN_RENDER_SECONDS,
    )
    return "plain" if converted is None else "md"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--unbounded", action="store_true", help="also time bare Python-Markdown")
    args = parser.parse_args()
    sizes = sorted({*args.sizes, MARKDOWN_MAX_CHARS})

    for source in ("[[term number 1]] *warm* up", CASES["prose (baseline)"](1000)):
        bounded(source)  # the URL resolver and the regular expressions, built once
    baseline: dict[int, float] = {}  # filled by the first case, prose
    print(f"render_markdown, best of {args.rounds}; limit {MARKDOWN_MAX_CHARS:,} characters, ")
    print(f"time limit {MARKDOWN_RENDER_SECONDS} s; ratio against prose of the same length")
    print(f"{'case':24}" + "".join(f"{n:>22,}" for n in sizes))
    worst = ("", 0.0)
    for name, build in CASES.items():
        cells = []
        for n in sizes:
            source = build(n)
            assert len(source) <= n, name
            seconds = best_time(bounded, source, args.rounds)
            baseline.setdefault(n, seconds)
            if n == MARKDOWN_MAX_CHARS and seconds > worst[1]:
                worst = (name, seconds)
            cells.append(f"{seconds:7.3f} s {seconds / baseline[n]:5.1f}x {came_out_as(source):>5}")
        print(f"{name:24}" + "".join(f"{cell:>22}" for cell in cells), flush=True)
    print(f"worst at {MARKDOWN_MAX_CHARS:,}: {worst[0]} {worst[1]:.3f} s, ", end="")
    print(f"{worst[1] / baseline[MARKDOWN_MAX_CHARS]:.1f}x prose")

    if args.unbounded:
        print("\nbare Python-Markdown (before the limits), one round; a case is skipped at the")
        print(f"larger sizes once it takes over {UNBOUNDED_GIVE_UP_SECONDS:.0f} s")
        print(f"{'case':24}" + "".join(f"{n:>14,}" for n in sizes))
        for name, build in CASES.items():
            cells, gave_up = [], False
            for n in sizes:
                if gave_up:
                    cells.append("skipped")
                    continue
                seconds = best_time(unbounded, build(n), 1)
                gave_up = seconds > UNBOUNDED_GIVE_UP_SECONDS
                cells.append(f"{seconds:9.3f} s")
            print(f"{name:24}" + "".join(f"{cell:>14}" for cell in cells), flush=True)


if __name__ == "__main__":
    main()
