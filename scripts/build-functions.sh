#!/usr/bin/env bash
# Stages each function's code folder into .build/functions/<name>/ with bytecode (the assets CDK
# zips): /var/task is read-only on Lambda, so a handler without a .pyc is compiled on every cold
# start. unchecked-hash because CDK's zips drop modification times. The source tree keeps no .pyc
# of this kind (an unchecked .pyc would hide later edits), hence the staging folder.
set -euo pipefail
cd "$(dirname "$0")/.."
out=.build/functions
rm -rf "$out"
mkdir -p "$out"
for dir in functions/*/; do
  name=$(basename "$dir")
  mkdir -p "$out/$name"
  (cd "$dir" && find . -type f -not -path '*/__pycache__/*' -not -name '*.pyc' -print0 \
     | xargs -0 -I{} cp --parents {} "../../$out/$name/")
done
.venv/bin/python -m compileall -q --invalidation-mode unchecked-hash "$out" >/dev/null
echo "function assets: $(ls "$out" | wc -l) folders in $out"
