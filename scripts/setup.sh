#!/usr/bin/env bash
# Installs every Debian package edgesim needs to build and test. Idempotent: a machine that already
# has everything pays one dpkg query and prints nothing. Used by README, CI and developers alike.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libboost-dev libcpp-httplib-dev nlohmann-json3-dev libabsl-dev libgtest-dev libgmock-dev
  libbenchmark-dev libxxhash-dev libpugixml-dev libcli11-dev zlib1g-dev libbrotli-dev libssl-dev
  # CloudFront Functions run on SpiderMonkey 102 (core/js_engine.cc).
  libmozjs-102-dev
  curl python3
  # scripts/fuzz.sh: clang, and libFuzzer's runtime, which Debian 12's clang only recommends.
  clang libclang-rt-dev
  # tests/js/console_page_test.mjs drives the console in Debian's headless Chromium
  # (puppeteer-core downloads no browser).
  chromium
)

SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
apt_install() {
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  apt_install "${missing[@]}"
fi

# The emulator's tests drive the real AWS CLI and a real S3-compatible server (moto_server). The
# machines ship both; on a bare Debian, install Debian's awscli and moto from PyPI.
if ! command -v aws >/dev/null; then
  echo "setup: installing awscli" >&2
  apt_install awscli
fi
if ! python3 -c "import boto3" 2>/dev/null; then
  echo "setup: installing python3-boto3" >&2
  apt_install python3-boto3
fi
if ! command -v moto_server >/dev/null; then
  echo "setup: installing moto[server]" >&2
  python3 -m pip --version >/dev/null 2>&1 || apt_install python3-pip
  $SUDO python3 -m pip install -q 'moto[server]' 2>/dev/null ||
    $SUDO python3 -m pip install -q --break-system-packages 'moto[server]'
fi

# The KeyValueStore data plane (cloudfront-keyvaluestore) signs with SigV4A, which botocore does
# only through awscrt. Debian packages it for its own python3; a python3 of the same minor version
# elsewhere on PATH (pyenv) gets a .pth file pointing at a folder holding just Debian's awscrt.
if ! python3 -c "import awscrt.auth" 2>/dev/null; then
  echo "setup: installing python3-awscrt" >&2
  apt_install python3-awscrt
  if ! python3 -c "import awscrt.auth" 2>/dev/null; then
    crt_dir=/usr/local/lib/edgesim-awscrt
    $SUDO mkdir -p "$crt_dir"
    $SUDO ln -sf /usr/lib/python3/dist-packages/awscrt /usr/lib/python3/dist-packages/_awscrt.*.so \
      "$crt_dir/"
    site=$(python3 -c "import site; print(site.getsitepackages()[0])")
    echo "$crt_dir" | $SUDO tee "$site/edgesim-awscrt.pth" >/dev/null
  fi
fi

# tests/js drive the API with the AWS SDK for JavaScript v3 under Node's own test runner. Debian's
# nodejs ships npm separately; NodeSource's nodejs includes it. `npm ci` runs only when the lockfile
# is newer than what node_modules holds.
if ! command -v node >/dev/null; then
  echo "setup: installing nodejs" >&2
  apt_install nodejs
fi
if ! command -v npm >/dev/null; then
  echo "setup: installing npm" >&2
  apt_install npm
fi
JS_TESTS=$(dirname "$0")/../tests/js
if [ "$JS_TESTS/package-lock.json" -nt "$JS_TESTS/node_modules/.package-lock.json" ]; then
  echo "setup: npm ci in tests/js" >&2
  (cd "$JS_TESTS" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
