#!/usr/bin/env bash
# Builds the .deb from a build directory, installs it with apt (which resolves its dependencies), and checks
# the installed copy: /usr/bin/schemaflip runs, man pages and shell completions are where the shells and man
# look. Removes the package again so the next run installs the new build. Needs root (apt-get).
# Usage: scripts/check-package.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)  # apt-get takes a local .deb only by a path with a slash

if [[ $(id -u) -ne 0 ]]; then
  if [[ "${CI:-}" == true ]]; then
    echo "check-package: needs root to install the package" >&2
    exit 1
  fi
  echo "check-package: not root: the .deb is not installed and checked (run as root to check it)"
  exit 0
fi

rm -f "$build"/schemaflip_*.deb
(cd "$build" && cpack -G DEB > cpack.log 2>&1) || { cat "$build/cpack.log" >&2; exit 1; }
deb=$(ls "$build"/schemaflip_*.deb)
echo "check-package: built $(basename "$deb"): $(dpkg-deb -f "$deb" Depends)"

export DEBIAN_FRONTEND=noninteractive
trap 'dpkg --purge schemaflip > /dev/null 2>&1 || true' EXIT
apt-get install -y -qq --no-install-recommends "$deb" < /dev/null > "$build/apt-install.log" 2>&1 ||
  { cat "$build/apt-install.log" >&2; exit 1; }

failures=0
check() {  # description command...
  local what=$1
  shift
  if "$@" > /dev/null 2>&1; then echo "check-package: ok: $what"; else echo "check-package: FAIL: $what" >&2; failures=$((failures + 1)); fi
}
expected_version="schemaflip $(dpkg-deb -f "$deb" Version)"
check "/usr/bin/schemaflip --version says '$expected_version'" test "$(/usr/bin/schemaflip --version)" = "$expected_version"
check "every library resolves" sh -c "! ldd /usr/bin/schemaflip | grep -q 'not found'"
for page in schemaflip schemaflip-inspect schemaflip-analyze schemaflip-predict schemaflip-shadow schemaflip-replay \
  schemaflip-completions; do
  check "man page $page" test -s "/usr/share/man/man1/$page.1"
done
check "bash completion" cmp /usr/share/bash-completion/completions/schemaflip <(/usr/bin/schemaflip completions bash)
check "zsh completion" cmp /usr/share/zsh/vendor-completions/_schemaflip <(/usr/bin/schemaflip completions zsh)
check "fish completion" cmp /usr/share/fish/vendor_completions.d/schemaflip.fish <(/usr/bin/schemaflip completions fish)
check "inspect on the bundled database" /usr/bin/schemaflip inspect "$(dirname "$0")/../fixtures/sampledb/chinook.sqlite"
# The demo from the installed copy, run away from the source tree: it must carry its own data. The check
# starts with the demo command itself (a binary without it has no `demo` to ask for help).
if /usr/bin/schemaflip demo --help > /dev/null 2>&1; then
  check "demo from the installed copy" sh -c 'cd / && /usr/bin/schemaflip demo'
fi

if ((failures)); then
  echo "check-package: $failures check(s) failed" >&2
  exit 1
fi
echo "check-package: the installed package works"
