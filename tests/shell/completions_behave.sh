#!/usr/bin/env bash
# Runs the generated bash and fish completions in the real shells and checks what they offer at a few
# places: subcommands, nested subcommands, enumerated values, inherited global flags, files.
# Usage: completions_behave.sh COMPLETIONS_DIR [FISH]
set -euo pipefail
dir=$1
fish=${2:-}
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# bash: call the completion function the way readline does, with COMP_WORDS/COMP_CWORD set.
bash_offers() {  # words... (the last one is the word being completed)
  bash --norc --noprofile -c '
    source "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
    _schemaflip
    printf "%s\n" "${COMPREPLY[@]}"' bash "$dir/schemaflip.bash" "$@"
}

expect_bash() {  # "expected words" words...
  local expected=$1
  shift
  local got
  got=$(bash_offers "$@" | sort | tr '\n' ' ')
  [[ "$got" == "$expected " ]] || fail "bash '$*': expected '$expected', got '$got'"
}

# The top level: every command (the list grows, so check some), no flags unless '-' was typed.
top=$(bash_offers schemaflip "" | tr '\n' ' ')
for command in inspect analyze train predict shadow replay completions; do
  [[ " $top" == *" $command "* ]] || fail "bash 'schemaflip ': '$command' missing from '$top'"
done
[[ "$top" != *-* ]] || fail "bash 'schemaflip ': flags offered without '-': '$top'"
expect_bash "down status up" schemaflip shadow ""
expect_bash "logical none" schemaflip shadow up --sync ""
expect_bash "logical" schemaflip shadow up --primary a.db --sync l
expect_bash "github json text" schemaflip --format ""
# Global flags pass down to subcommands (CLI11 fallthrough): --format after the command name.
expect_bash "github json text" schemaflip replay --format ""
expect_bash "bash fish zsh" schemaflip completions ""
expect_bash "--force --format" schemaflip shadow up --f
# A flag's value is skipped: 'shadow' after --queries is a file name, not the command.
expect_bash "--apply-writes" schemaflip replay --queries shadow --app
# --opt=value: bash splits at '='.
expect_bash "json" schemaflip --format = j
# Numbers: nothing to offer.
expect_bash "" schemaflip replay --jobs ""
# Paths: files of the current directory.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
touch "$tmp/app.sqlite"
got=$(cd "$tmp" && bash_offers schemaflip inspect a | tr '\n' ' ')
[[ "$got" == "app.sqlite " ]] || fail "bash 'schemaflip inspect a': expected a file name, got '$got'"

if [[ -n "$fish" ]]; then
  fish_offers() {  # command line
    "$fish" --no-config -c "source '$dir/schemaflip.fish'; complete -C '$1'" | cut -f1 | sort | tr '\n' ' '
  }
  got=$(fish_offers "schemaflip shadow up --sync ")
  [[ "$got" == "logical none " ]] || fail "fish 'shadow up --sync': got '$got'"
  got=$(fish_offers "schemaflip shadow ")
  [[ "$got" == "down status up " ]] || fail "fish 'shadow': got '$got'"
  got=$(fish_offers "schemaflip predict --format ")
  [[ "$got" == "github json text " ]] || fail "fish 'predict --format': got '$got'"
  got=$(fish_offers "schemaflip replay --queries shadow --app")
  [[ "$got" == "--apply-writes " ]] || fail "fish 'replay --queries shadow --app': got '$got'"
fi

if ((failures)); then
  echo "$failures completion check(s) failed" >&2
  exit 1
fi
echo "completions behave"
