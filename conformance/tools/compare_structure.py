#!/usr/bin/env python3
"""Compares Vellum's ENVELOPE / BODY / BODYSTRUCTURE rendering (and part
sizes and bytes) with Dovecot's over every message of the corpus.

    compare_structure.py fetch  --cache dovecot.json      # runs Dovecot
    compare_structure.py compare --cache dovecot.json --dump build/bin/structure_dump

`fetch` APPENDs every corpus message (.eml whole, .mbox split at "From "
lines) to Dovecot and stores what it sends for each item. `compare` runs
`structure_dump` (tests/store) over the same messages and prints, per item,
how many messages differ, with examples. Development tool, stdlib only.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import dovecot_harness  # noqa: E402

DEFAULT_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
WHOLE_ITEMS = ["ENVELOPE", "BODY", "BODYSTRUCTURE", "RFC822.SIZE", "BINARY.SIZE[]"]
BATCH = 500


def messages(args) -> list[tuple[str, bytes]]:
    skip = [] if args.enron else ["enron"]
    return dovecot_harness.corpus_messages(Path(args.corpus), skip_sources=skip)


def part_items(dump_parts: list[str]) -> list[str]:
    items = []
    for part in dump_parts:
        items += [f"BODY.PEEK[{part}]", f"BINARY.SIZE[{part}]", f"BODY.PEEK[{part}.MIME]"]
    return items


def fetch(args) -> None:
    corpus = messages(args)
    cache: dict[str, dict[str, str]] = {}
    with dovecot_harness.DovecotServer() as dovecot:
        for start in range(0, len(corpus), BATCH):
            batch = corpus[start:start + BATCH]
            results = dovecot.append_and_fetch([m for _, m in batch], WHOLE_ITEMS)
            for (name, _), items in zip(batch, results):
                cache[name] = {k: v.decode("latin-1") for k, v in items.items()}
            print(f"{start + len(batch)}/{len(corpus)}", file=sys.stderr)
    Path(args.cache).write_text(json.dumps(cache))


def run_dump(dump: str, corpus: list[tuple[str, bytes]]) -> dict[str, dict[str, str]]:
    """structure_dump --batch reads file names from stdin and writes one JSON
    object per message."""
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for index, (name, data) in enumerate(corpus):
            path = Path(tmp) / f"{index}.eml"
            path.write_bytes(data)
            paths.append(str(path))
        result = subprocess.run([dump, "--json"] + [], input="\n".join(paths).encode(),
                                capture_output=True, check=True)
        lines = result.stdout.decode("latin-1").splitlines()
        for (name, _), line in zip(corpus, lines):
            out[name] = json.loads(line)
    return out


def compare(args) -> None:
    corpus = messages(args)
    cache = json.loads(Path(args.cache).read_text())
    ours = run_dump(args.dump, corpus)
    differing = collections.Counter()
    examples = collections.defaultdict(list)
    identical = 0
    compared = 0
    for name, _ in corpus:
        theirs = cache.get(name)
        if not theirs:
            continue
        compared += 1
        same = True
        for item in args.items.split(","):
            if item not in theirs:
                continue
            mine = ours[name].get(item)
            if mine != theirs[item]:
                same = False
                differing[item] += 1
                examples[item].append((name, theirs[item], mine))
        identical += same
    print(f"compared {compared}, identical {identical}")
    for item, count in differing.most_common():
        print(f"\n== {item}: {count} differ")
        for name, theirs, mine in examples[item][:args.examples]:
            print(f"-- {name}\n dovecot: {theirs[:args.width]!r}\n vellum:  {mine[:args.width] if mine else mine!r}")
            if mine and theirs:
                prefix = os.path.commonprefix([theirs, mine])
                print(f" first difference at {len(prefix)}: dovecot {theirs[len(prefix):len(prefix)+80]!r}"
                      f" vellum {mine[len(prefix):len(prefix)+80]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["fetch", "compare"])
    parser.add_argument("--cache", required=True)
    parser.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    parser.add_argument("--dump", default="build-mime/bin/structure_dump")
    parser.add_argument("--enron", action="store_true", help="include the 9,600 Enron messages")
    parser.add_argument("--items", default=",".join(WHOLE_ITEMS))
    parser.add_argument("--examples", type=int, default=3)
    parser.add_argument("--width", type=int, default=400)
    args = parser.parse_args()
    fetch(args) if args.mode == "fetch" else compare(args)


if __name__ == "__main__":
    main()
