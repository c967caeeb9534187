"""How long does filling a macro's placeholders take on a 2 KB body?

    python bench/fill_text.py             # 2 KB body, 2000 calls
    python bench/fill_text.py --kb 8 --runs 500

It fills the same body with :func:`kb.macros.placeholders.fill_text` and, as a reference
measured in the same run on the same machine, with one ``re.sub`` over the same placeholders
(the least any filling can cost). Target: under 1 ms a call for a 2 KB body.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kb.macros.placeholders import fill_text  # noqa: E402

LINE = 'Hi {{ customer.first_name | default: "there" }}, about order {{ order.id }} at {{ company }}.\n'
VALUES = {"customer": {"first_name": "Ana"}, "order": {"id": 42}, "company": "Acme"}
FLAT = {"customer.first_name": "Ana", "order.id": "42", "company": "Acme"}
PLACEHOLDER = re.compile(r"\{\{\s*([\w.]+)[^}]*\}\}")


def per_call(function, runs: int) -> float:
    function()
    started = time.perf_counter()
    for _ in range(runs):
        function()
    return (time.perf_counter() - started) / runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=int, default=2, help="body size in kilobytes")
    parser.add_argument("--runs", type=int, default=2000)
    args = parser.parse_args()
    body = LINE * (args.kb * 1024 // len(LINE))
    assert fill_text(body, VALUES).text == PLACEHOLDER.sub(lambda m: FLAT[m.group(1)], body)
    kb = per_call(lambda: fill_text(body, VALUES), args.runs)
    floor = per_call(lambda: PLACEHOLDER.sub(lambda m: FLAT[m.group(1)], body), args.runs)
    print(f"body {len(body)} chars, {args.runs} calls")
    print(f"fill_text      {kb * 1000:8.3f} ms a call   (target < 1 ms)")
    print(f"re.sub floor   {floor * 1000:8.3f} ms a call   ({kb / floor:.1f}x)")


if __name__ == "__main__":
    main()
