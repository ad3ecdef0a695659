#!/bin/sh
# models/fetch.sh offline, on a checksum mismatch and with trust on first use, against file:// and
# a refused 127.0.0.1 URL (no network needed). Usage: fetch_models_test.sh path/to/fetch.sh
set -u
fetch=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export VIGIL_MODELS_DEST="$work/dest" VIGIL_MODELS_MANIFEST="$work/manifest.json"
unset VIGIL_MODEL
fails=0
check() { if eval "$2"; then echo "PASS: $1"; else echo "FAIL: $1"; fails=$((fails + 1)); fi; }
manifest() { # url sha|null
    cat > "$VIGIL_MODELS_MANIFEST" <<JSON
{"models": [{"name": "tiny", "files": [{"name": "tiny.onnx", "url": "$1", "sha256": $2}]}]}
JSON
}
printf 'model bytes' > "$work/tiny.onnx"
good=$(sha256sum "$work/tiny.onnx" | cut -d' ' -f1)

# Offline (connection refused): one clear line, exit status non-zero, nothing installed.
manifest "http://127.0.0.1:9/tiny.onnx" "\"$good\""
sh "$fetch" --if-missing > "$work/out" 2> "$work/err"; rc=$?
check "offline fails" "[ $rc -ne 0 ]"
check "offline says so in one line" "[ \$(wc -l < '$work/err') -eq 1 ] && grep -q 'could not download tiny.onnx' '$work/err'"
check "offline installs nothing" "[ ! -e '$work/dest/tiny.onnx' ]"

# Mismatch: not installed, one line.
manifest "file://$work/tiny.onnx" "\"$(printf '0%.0s' $(seq 64))\""
sh "$fetch" --if-missing > "$work/out" 2> "$work/err"; rc=$?
check "mismatch fails" "[ $rc -ne 0 ]"
check "mismatch says so in one line" "[ \$(wc -l < '$work/err') -eq 1 ] && grep -q 'sha256 mismatch' '$work/err'"
check "mismatch installs nothing" "[ ! -e '$work/dest/tiny.onnx' ] && [ ! -e '$work/dest/tiny.onnx.part' ]"

# Recorded sha256 matches: installed, then --if-missing does nothing.
manifest "file://$work/tiny.onnx" "\"$good\""
sh "$fetch" --if-missing > "$work/out" 2> "$work/err"; rc=$?
check "verified download succeeds" "[ $rc -eq 0 ] && cmp -s '$work/tiny.onnx' '$work/dest/tiny.onnx'"
check "first run says what it fetches" "grep -q 'No detection model installed' '$work/out'"
sh "$fetch" --if-missing > "$work/out" 2>&1; rc=$?
check "--if-missing with a model installed is silent" "[ $rc -eq 0 ] && [ ! -s '$work/out' ]"

# Trust on first use: none recorded upstream; the first download is recorded, a changed file is refused.
rm -rf "$work/dest"
manifest "file://$work/tiny.onnx" null
sh "$fetch" > "$work/out" 2> "$work/err"; rc=$?
check "first use records the sha256" "[ $rc -eq 0 ] && grep -q '^$good  tiny.onnx\$' '$work/dest/sha256-first-use.txt'"
printf 'other bytes' > "$work/tiny.onnx"
sh "$fetch" --force > "$work/out" 2> "$work/err"; rc=$?
check "a changed upstream file is refused after first use" "[ $rc -ne 0 ] && grep -q 'sha256 mismatch' '$work/err' && [ \"\$(cat '$work/dest/tiny.onnx')\" = 'model bytes' ]"

[ "$fails" -eq 0 ]
