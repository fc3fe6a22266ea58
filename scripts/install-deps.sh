#!/usr/bin/env bash
# Installs the Debian 12 packages schemaflip needs to build and test; installs only what is missing.
set -euo pipefail

packages=(
  cmake ninja-build pkg-config g++ git ca-certificates
  libcli11-dev libpqxx-dev libpq-dev libsqlite3-dev libxgboost-dev nlohmann-json3-dev doctest-dev
  libpg-query-dev zlib1g-dev
  lowdown                      # man pages from Markdown
  python3 python3-jsonschema   # tests: JSON Schema validation of every document
  zsh fish                     # tests: the generated completions parse and complete in the real shells
  dpkg-dev file                # cpack's DEB generator: dpkg-shlibdeps finds the package's library dependencies
  clang libclang-rt-14-dev     # the ASan+UBSan test run and the libFuzzer targets (scripts/fuzz.sh)
  llvm                         # llvm-symbolizer: sanitizer reports with function names and file:line
)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done

# PostgreSQL 15 is preinstalled on our machines (sometimes outside dpkg's view): install it only when
# its server binaries are absent, since the package's post-install also creates and starts a cluster.
if [[ ! -x /usr/lib/postgresql/15/bin/postgres ]]; then
  missing+=(postgresql-15)
fi

if ((${#missing[@]} == 0)); then
  echo "install-deps: all packages present"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing packages: ${missing[*]}; run this script as root (or install them)" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
