#!/usr/bin/env bash
# Vigil's one entry point on Debian 12: installs what is missing (apt), builds, then
#   ./dev.sh run [vigil options]   launches the app on the built-in demo camera
#   ./dev.sh test                  runs the whole test suite (CTest)
#   ./dev.sh build | bench | package   (package: a .deb in build/)
set -euo pipefail
cd "$(dirname "$0")"

BUILD_DEPS=(cmake ninja-build g++ pkg-config
    qt6-base-dev qt6-websockets-dev qt6-httpserver-dev qt6-charts-dev libqt6opengl6-dev
    libopencv-core-dev libopencv-imgproc-dev libopencv-dnn-dev libturbojpeg0-dev)
# The viewer-page test drives Debian's Chromium; Xvfb runs the real app for screenshots;
# dpkg-dev lets the package test resolve the .deb's dependencies.
TEST_DEPS=(chromium xvfb xauth openssl dpkg-dev)
BUILD_DIR=${VIGIL_BUILD_DIR:-build}

install_deps() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    ((${#missing[@]})) || return 0
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    echo "Installing: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build() {
    local launcher=()
    # ccache, when installed, makes rebuilds across build folders cheap (not needed for CI).
    command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}"
    cmake --build "$BUILD_DIR" -j"$(nproc)"
}

cmd=${1:-run}
[ $# -gt 0 ] && shift
case "$cmd" in
run)
    install_deps "${BUILD_DEPS[@]}"
    build
    exec "$BUILD_DIR/app/vigil" --demo "$@"
    ;;
test)
    install_deps "${BUILD_DEPS[@]}" "${TEST_DEPS[@]}"
    build
    # Timing-sensitive tests run one at a time: a 2-core CI machine is shared by nothing else.
    ctest --test-dir "$BUILD_DIR" --output-on-failure --timeout 600 "$@"
    ;;
build)
    install_deps "${BUILD_DEPS[@]}"
    build
    ;;
package)
    install_deps "${BUILD_DEPS[@]}" dpkg-dev
    build
    (cd "$BUILD_DIR" && cpack -G DEB)
    ;;
bench)
    install_deps "${BUILD_DEPS[@]}"
    build
    for b in "$BUILD_DIR"/bench/bench_*; do
        # The soak run takes minutes of its own: run it by hand (see README).
        [ "$(basename "$b")" = bench_soak ] && continue
        [ -x "$b" ] && { echo "== $(basename "$b")"; "$b" "$@"; }
    done
    ;;
*)
    echo "usage: ./dev.sh run|test|build|bench|package" >&2
    exit 2
    ;;
esac
