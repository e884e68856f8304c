"""The parse floor: ``yaml.load(..., Loader=yaml.CSafeLoader)`` over every event file.

Walks ``DATA/events``, reads each ``*.yaml`` file as bytes and parses it with libyaml's C
loader; keeps the results in memory, as a loaded dataset would. No validation, no
line numbers, no duplicate-key checks, garbage collector left on: what any Python tool
pays at least to read these files. Prints the number of documents.

    python bench/bare_parse.py DATA
"""

from __future__ import annotations

import os
import sys

import yaml


def main(root: str) -> int:
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is None:
        print("bare_parse: PyYAML has no libyaml (CSafeLoader missing)", file=sys.stderr)
        return 2
    docs = []
    for dirpath, dirnames, filenames in os.walk(os.path.join(root, "events")):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith(".yaml"):
                with open(os.path.join(dirpath, name), "rb") as fh:
                    docs.append(yaml.load(fh.read(), Loader=loader))
    print(len(docs))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python bench/bare_parse.py DATA_DIR")
    sys.exit(main(sys.argv[1]))
