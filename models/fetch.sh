#!/bin/sh
# Downloads Vigil's detection models from their upstream homes (listed in manifest.json beside this
# script) into the folder the app searches.
#
#   models/fetch.sh            the first (default) model of the manifest
#   models/fetch.sh NAME       one model by manifest name, e.g. yolov5n_coco80_640_fp32
#   models/fetch.sh all        every model
#   models/fetch.sh --list     list the models
#   --force                    download again even when the files are already there
#
# Destination: $VIGIL_MODELS_DEST, else ${XDG_DATA_HOME:-~/.local/share}/Vigil/vigil/models. That is
# QStandardPaths::AppDataLocation + "/models" for organizationName "Vigil" and applicationName
# "vigil" on Linux (<XDG data home>/<organization>/<application>), the first place the app looks
# after --model and $VIGIL_MODEL.
#
# Checksums: a file's recorded upstream "sha256" is enforced; when none is recorded (null) the
# sha256 of the download is printed so it can be added to manifest.json.
# Needs curl or wget, sha256sum, and python3 or jq to read the manifest. Tests never run this.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
manifest="$here/manifest.json"
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
    if command -v curl >/dev/null 2>&1; then
        curl -fL --retry 2 --connect-timeout 20 -o "$2" "$1"
    elif command -v wget >/dev/null 2>&1; then
        wget -q --tries=2 --timeout=20 -O "$2" "$1"
    else
        die "curl or wget is needed to download models"
    fi
}

force=0
want=""
for arg in "$@"; do
    case "$arg" in
        --force) force=1 ;;
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

mkdir -p "$dest" || die "cannot create $dest"
failed=0
tab=$(printf '\t')
printf '%s\n' "$rows" | {
while IFS="$tab" read -r model file url sha; do
    [ "$want" = all ] || [ "$want" = "$model" ] || continue
    out="$dest/$file"
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
        echo "fetch.sh: could not download $url (offline, or the upstream file moved?)" >&2
        failed=1
        continue
    fi
    got=$(sha256sum "$tmp" | cut -d' ' -f1)
    if [ -n "$sha" ] && [ "$got" != "$sha" ]; then
        rm -f "$tmp"
        echo "fetch.sh: $file: sha256 mismatch: got $got, manifest records $sha" >&2
        failed=1
        continue
    fi
    mv "$tmp" "$out"
    if [ -n "$sha" ]; then
        echo "$file: sha256 verified ($got)"
    else
        echo "$file: sha256 $got (none recorded in the manifest: not verified)"
    fi
done
[ "$failed" = 0 ] || die "some files could not be fetched (see above)"
echo "models are in $dest"
}
