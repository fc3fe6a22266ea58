#!/usr/bin/env bash
# Regenerates the committed shell completions under completions/ from a built binary, after a command or
# flag changed (the completions_are_current test says when). Usage: scripts/update-completions.sh [BINARY]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
binary=${1:-$root/build/cli/schemaflip}
[[ -x "$binary" ]] || { echo "update-completions: no binary at $binary (build first, or pass its path)" >&2; exit 1; }

"$binary" completions bash > "$root/completions/schemaflip.bash"
"$binary" completions zsh > "$root/completions/_schemaflip"
"$binary" completions fish > "$root/completions/schemaflip.fish"
git -C "$root" diff --stat -- completions/ || true
