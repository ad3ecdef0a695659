#!/bin/sh
# Downloads Vigil's detection models from their upstream homes (listed in manifest.json beside this
# script) into the folder the app searches.
#
#   models/fetch.sh            the first (default) model of the manifest
#   models/fetch.sh NAME       one model by manifest name, e.g. yolov5n_coco80_640_fp32
#   models/fetch.sh all        every model
#   models/fetch.sh --list     list the models
#   --force                    download again even when the files are already there
#   --if-missing               do nothing when a model is already installed or $VIGIL_MODEL is set
#                              (what ./dev.sh run does on a first run); failures are one line
#
# Destination: $VIGIL_MODELS_DEST, else ${XDG_DATA_HOME:-~/.local/share}/Vigil/vigil/models. That is
# QStandardPaths::AppDataLocation + "/models" for organizationName "Vigil" and applicationName
# "vigil" on Linux (<XDG data home>/<organization>/<application>), the first place the app looks
# after --model and $VIGIL_MODEL.
#
# Checksums: a file's recorded upstream "sha256" is enforced. When the manifest records none (null),
# the first download's sha256 is recorded in <destination>/sha256-first-use.txt (trust on first
# use) and every later download of that file is checked against it; the README says how to check
# the recorded value. $VIGIL_MODELS_MANIFEST reads another manifest (tests use file:// URLs).
# Needs curl or wget, sha256sum, and python3 or jq to read the manifest. Tests never run this.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
manifest="${VIGIL_MODELS_MANIFEST:-$here/manifest.json}"
dest="${VIGIL_MODELS_DEST:-${XDG_DATA_HOME:-$HOME/.local/share}/Vigil/vigil/models}"

die() { echo "fetch.sh: $*" >&2; exit 1; }

[ -f "$manifest" ] || die "manifest not found: $manifest"

# One line per file: model name, file name, url, sha256 ("" when not recorded).
manifest_rows() {
    if command -v python3 >/dev/null 2>&1; then
        python3 - "$manifest" <<'PY'
import json, sys
for m in json.load(open(sys.argv[1]))["models"]:
    for f in m["files"]:
        print("\t".join([m["name"], f["name"], f["url"], f.get("sha256") or ""]))
PY
    elif command -v jq >/dev/null 2>&1; then
        jq -r '.models[] | .name as $m | .files[] | [$m, .name, .url, (.sha256 // "")] | @tsv' "$manifest"
    else
        die "python3 or jq is needed to read $manifest"
    fi
}

download() { # url output
    # A progress bar on a terminal; quiet otherwise (the caller prints one line on failure).
    if command -v curl >/dev/null 2>&1; then
        if [ -t 2 ]; then progress=--progress-bar; else progress=-s; fi
        curl -fL $progress --retry 2 --connect-timeout 20 -o "$2" "$1"
    elif command -v wget >/dev/null 2>&1; then
        if [ -t 2 ]; then progress="--show-progress"; else progress=""; fi
        wget -q $progress --tries=2 --timeout=20 -O "$2" "$1"
    else
        die "curl or wget is needed to download models"
    fi
}

force=0
if_missing=0
want=""
for arg in "$@"; do
    case "$arg" in
        --force) force=1 ;;
        --if-missing) if_missing=1 ;;
        --list) manifest_rows | cut -f1 | uniq; exit 0 ;;
        -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) die "unknown option $arg (try --help)" ;;
        *) want="$arg" ;;
    esac
done

rows=$(manifest_rows)
[ -n "$rows" ] || die "no models in $manifest"
[ -n "$want" ] || want=$(printf '%s\n' "$rows" | head -n1 | cut -f1)
if [ "$want" != all ] && ! printf '%s\n' "$rows" | cut -f1 | grep -qx -- "$want"; then
    die "unknown model '$want'; known: $(printf '%s\n' "$rows" | cut -f1 | uniq | tr '\n' ' ')"
fi
command -v sha256sum >/dev/null 2>&1 || die "sha256sum is needed"

# --if-missing: any complete model of the manifest in the destination counts as installed.
if [ "$if_missing" = 1 ]; then
    [ -z "${VIGIL_MODEL:-}" ] || exit 0
    for model in $(printf '%s\n' "$rows" | cut -f1 | uniq); do
        complete=1
        for file in $(printf '%s\n' "$rows" | awk -F '\t' -v m="$model" '$1 == m { print $2 }'); do
            [ -f "$dest/$file" ] || complete=0
        done
        [ "$complete" = 0 ] || exit 0
    done
    echo "No detection model installed: fetching the default one ($want) into $dest"
fi

# Trust on first use for files whose upstream sha256 is not in the manifest.
recorded="$dest/sha256-first-use.txt"
recorded_sha() { [ -f "$recorded" ] && awk -v f="$1" '$2 == f { print $1; exit }' "$recorded" || true; }

mkdir -p "$dest" || die "cannot create $dest"
failed=0
tab=$(printf '\t')
printf '%s\n' "$rows" | {
while IFS="$tab" read -r model file url sha; do
    [ "$want" = all ] || [ "$want" = "$model" ] || continue
    out="$dest/$file"
    tofu=0
    if [ -z "$sha" ]; then
        sha=$(recorded_sha "$file")
        [ -n "$sha" ] || tofu=1
    fi
    if [ -f "$out" ] && [ "$force" = 0 ]; then
        if [ -z "$sha" ] || echo "$sha  $out" | sha256sum -c --status; then
            echo "$file: already present in $dest"
            continue
        fi
        echo "$file: present but its sha256 does not match; downloading again"
    fi
    echo "$file: downloading $url"
    tmp="$out.part"
    if ! download "$url" "$tmp"; then
        rm -f "$tmp"
        echo "fetch.sh: could not download $file from $url (offline?); Vigil runs without detection until a model is installed" >&2
        failed=1
        continue
    fi
    got=$(sha256sum "$tmp" | cut -d' ' -f1)
    if [ -n "$sha" ] && [ "$got" != "$sha" ]; then
        rm -f "$tmp"
        echo "fetch.sh: $file: sha256 mismatch (got $got, expected $sha): not installed; Vigil runs without detection until a model is installed" >&2
        failed=1
        continue
    fi
    mv "$tmp" "$out"
    if [ "$tofu" = 1 ]; then
        printf '%s  %s\n' "$got" "$file" >> "$recorded"
        echo "$file: sha256 $got recorded in $recorded (trust on first use: later downloads are checked against it)"
    else
        echo "$file: sha256 verified ($got)"
    fi
done
[ "$failed" = 0 ] || exit 1
echo "models are in $dest"
}
