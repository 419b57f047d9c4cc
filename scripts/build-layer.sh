#!/usr/bin/env bash
# Builds the shared Lambda layer without Docker: the locked runtime dependencies as wheels for
# manylinux2014_aarch64 / CPython 3.12 (the functions' runtime), plus the `shared` package, with
# bytecode Lambda can use.
#
# LAYER_OUT (default .layer) and LAYER_PLATFORM (default aarch64-manylinux2014) let `make bench`
# build a same-content x86_64 copy to measure on an x86 machine (pydantic-core is compiled).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${LAYER_OUT:-.layer}
platform=${LAYER_PLATFORM:-aarch64-manylinux2014}
rm -rf "$out/python" "$out/requirements.txt"
mkdir -p "$out/python"
# The AWS SDK is not shipped: the python3.12 runtime provides boto3/botocore (and their own
# dependencies) in /var/runtime, with bytecode, and the code calls no API newer than it has (the
# newest is ReturnValuesOnConditionCheckFailure, boto3 1.26.164 of June 2023). Shipping our own
# would add 30 MB and, without bytecode, ~150 ms to the first request that makes a client.
runtime_provided=(boto3 botocore s3transfer urllib3 python-dateutil six)
.venv/bin/uv export --frozen --no-dev --no-hashes --no-emit-project --quiet \
  $(printf -- '--no-emit-package %s ' "${runtime_provided[@]}") -o "$out/requirements.txt"
.venv/bin/uv pip install --quiet --target "$out/python" --python-platform "$platform" \
  --python-version 3.12 --only-binary :all: --no-deps -r "$out/requirements.txt"
cp -r shared "$out/python/shared"
find "$out/python" -name '__pycache__' -type d -prune -exec rm -rf {} +
rm -rf "$out/python"/*.dist-info/RECORD
# /opt is read-only on Lambda, so without shipped bytecode every cold start compiles every module.
# unchecked-hash: CDK's asset zips do not keep modification times, which timestamp-checked .pyc
# files need; the layer is rebuilt whenever a source changes, so nothing can go stale.
.venv/bin/python -m compileall -q -j 0 --invalidation-mode unchecked-hash "$out/python" >/dev/null
du -sh "$out/python" | awk '{print "layer: " $1}'
