#!/usr/bin/env python3
"""Validate JSON printed by vmcompat against its published JSON Schema.

usage: validate_json_schema.py SCHEMA CLI ARGS... [--stdin FILE.gz]

Runs CLI with ARGS, parses its stdout as JSON and validates it against
SCHEMA (draft 2020-12) with the jsonschema package (Debian:
python3-jsonschema).  Fails when the package is missing: CI installs it.
"""
import gzip
import json
import subprocess
import sys

import jsonschema


def main():
    args = sys.argv[1:]
    stdin = None
    if "--stdin" in args:
        i = args.index("--stdin")
        path = args[i + 1]
        del args[i:i + 2]
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rb") as f:
            stdin = f.read()
    schema_path, cli, cli_args = args[0], args[1], args[2:]
    with open(schema_path) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    p = subprocess.run([cli] + cli_args, input=stdin, capture_output=True)
    if p.returncode not in (0, 1):
        print("exit %d: %s" % (p.returncode, p.stderr.decode(errors="replace")))
        return 1
    doc = json.loads(p.stdout)
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(doc),
                    key=lambda e: list(e.path))
    for e in errors[:20]:
        print("%s: %s" % ("/".join(str(x) for x in e.path), e.message[:300]))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
