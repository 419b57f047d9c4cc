#!/usr/bin/env bash
# Builds the shared Lambda layer without Docker: the locked runtime dependencies as wheels for
# manylinux2014_aarch64 / CPython 3.12 (the functions' runtime), plus the `shared` package.
set -euo pipefail
cd "$(dirname "$0")/.."
out=.layer
rm -rf "$out/python" "$out/requirements.txt"
mkdir -p "$out/python"
.venv/bin/uv export --frozen --no-dev --no-hashes --no-emit-project --quiet -o "$out/requirements.txt"
.venv/bin/uv pip install --quiet --target "$out/python" --python-platform aarch64-manylinux2014 \
  --python-version 3.12 --only-binary :all: --no-deps -r "$out/requirements.txt"
cp -r shared "$out/python/shared"
find "$out/python" -name '__pycache__' -type d -prune -exec rm -rf {} +
# Bytecode for the target interpreter is produced by Lambda on first import; tests and boto stubs
# are not shipped.
rm -rf "$out/python"/*.dist-info/RECORD
du -sh "$out/python" | awk '{print "layer: " $1}'
