#!/usr/bin/env bash
# Keeps the plugin generator (and docs/writing-a-plugin.md, which walks through it) from rotting:
# copies the workspace's files (tracked + untracked-but-not-ignored, as git lists them) into a temporary
# directory, links node_modules, generates one plugin per kind there with `nx g @workbench/tools:plugin`,
# replays the worked example of docs/writing-a-plugin.md (its `guide-check` blocks) on one more generated
# plugin, and runs the generated projects' lint, typecheck and test through nx.
# The real workspace is never touched. Exits non-zero on any failure; the temporary copy is removed either way.
#
#   bash tools/check-generator.sh              # kinds: segmenter kpi
#   KINDS="segmenter predictor kpi" bash tools/check-generator.sh
#   KEEP_TMP=1 bash tools/check-generator.sh   # keep the copy for a post-mortem
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
kinds=${KINDS:-segmenter kpi}
started=$(date +%s)

# A parent nx task (this script is part of workspace-plugin:test) exports NX_* variables naming its own
# workspace and task; the inner nx must see only the temporary workspace.
while IFS= read -r var; do unset "$var"; done < <(compgen -e | grep -E '^(NX_|SWC_NODE_)' || true)
export CI=true NX_DAEMON=false NX_NO_CLOUD=true NX_SKIP_NX_CACHE=true NX_TUI=false FORCE_COLOR=0

command -v git >/dev/null || { echo "check-generator: git is needed to list the workspace's files" >&2; exit 2; }
[ -d "$repo/node_modules/nx" ] || { echo "check-generator: run npm install first ($repo/node_modules/nx is missing)" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/workbench-check-generator.XXXXXX")
log="$tmp.log"
cleanup() {
  if [ "${KEEP_TMP:-}" = 1 ]; then echo "check-generator: kept $tmp"; else rm -rf "$tmp"; fi
  rm -f "$log"
}
trap cleanup EXIT

# The copy: what git would commit now (tracked files still on disk, plus new files not ignored).
(
  cd "$repo"
  git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do [ -f "$f" ] && printf '%s\0' "$f"; done |
    tar --null -T - -cf -
) | tar -xf - -C "$tmp"
ln -s "$repo/node_modules" "$tmp/node_modules"
# `node_modules/` in .gitignore matches directories only, not the symlink; keep nx and jest out of it.
printf 'node_modules\n' >>"$tmp/.gitignore"

fail() {
  echo "check-generator: FAILED: $1 (output below, indented; KEEP_TMP=1 keeps the workspace copy)" >&2
  sed 's/^/  | /' "$log" >&2
  exit 1
}

cd "$tmp"
projects=()
for kind in $kinds; do
  name="check-$kind"
  node_modules/.bin/nx g @workbench/tools:plugin "$name" --kind "$kind" --no-interactive >"$log" 2>&1 || fail "nx g @workbench/tools:plugin $name --kind $kind"
  for f in project.json tsconfig.json jest.config.js README.md src/index.ts src/index.spec.ts; do
    [ -f "plugins/$name/$f" ] || { echo "plugins/$name/$f was not generated" >>"$log"; fail "generated files of $name"; }
  done
  grep -q "\"@workbench/$name\"" tsconfig.base.json || { echo "@workbench/$name is not in tsconfig.base.json" >>"$log"; fail "path alias of $name"; }
  projects+=("$name")
done

# formatFiles ran on the generated files; tsconfig.base.json keeps its JSON.stringify form (one path per line).
node_modules/.bin/prettier --check "${projects[@]/#/plugins/}" >"$log" 2>&1 || fail "prettier --check of the generated files"
node -e 'const t = require("fs").readFileSync("tsconfig.base.json", "utf8"); process.exit(t === JSON.stringify(JSON.parse(t), null, 2) + "\n" ? 0 : 1)' >"$log" 2>&1 ||
  fail "tsconfig.base.json is no longer in its JSON.stringify form"

# The worked example of docs/writing-a-plugin.md: generate the plugin it names, apply its marked edits.
guide=docs/writing-a-plugin.md
run_guide() { node -r ./tools/register.js tools/workspace-plugin/src/guide-example.ts "$guide" "$1"; }
read -r gname gkind < <(run_guide generate 2>"$log") || true
[ -n "${gname:-}" ] || fail "$guide names no plugin to generate (<!-- guide-check: generate -->)"
node_modules/.bin/nx g @workbench/tools:plugin "$gname" --kind "$gkind" --no-interactive >"$log" 2>&1 || fail "nx g @workbench/tools:plugin $gname --kind $gkind (from $guide)"
run_guide apply >"$log" 2>&1 || fail "applying the edits of $guide to plugins/$gname"
projects+=("$gname")

list=$(IFS=,; echo "${projects[*]}")
node_modules/.bin/nx run-many -t lint typecheck test -p "$list" --output-style=static --parallel=2 --skip-nx-cache >"$log" 2>&1 ||
  fail "nx run-many -t lint typecheck test -p $list"

tests=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | awk '/^Tests:/ { for (i = 2; i <= NF; i++) if ($(i+1) ~ /^passed/) p += $i } END { print p + 0 }')

# The generated segmenter, registered at run time like an external package and run as a queued job:
# through Bull on the Redis of the machine (REDIS_URL, default 127.0.0.1:6379), with the CLI as worker.
export WORKBENCH_HOME="$tmp/.workbench" WORKBENCH_PLUGIN_DIRS="$PWD/plugins" REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}" WORKBENCH_QUEUE_PREFIX="check-generator-$$"
workbench() { node -r ./tools/register.js apps/cli/src/main.ts "$@"; }
workbench ingest samples/online-retail-customers.csv --dataset retail >"$log" 2>&1 || fail "workbench ingest of the sample"
workbench plugins add ./plugins/check-segmenter >"$log" 2>&1 || fail "workbench plugins add ./plugins/check-segmenter"
workbench plugins list --json >"$log" 2>&1 && grep -q '"name": "check-segmenter"' "$log" || fail "check-segmenter in workbench plugins list"
workbench run generated --plugin check-segmenter --dataset retail --params '{"feature":"monetary"}' --json >"$log" 2>&1 || fail "workbench run of the generated plugin through Bull"
grep -q '"status": "succeeded"' "$log" || fail "the run of the generated plugin did not succeed"
redis-cli -u "$REDIS_URL" --scan --pattern "check-generator-$$:*" 2>/dev/null | xargs -r redis-cli -u "$REDIS_URL" del >/dev/null 2>&1 || true

echo "check-generator: generated ${projects[*]} (the last from $guide); lint, typecheck and test pass ($tests generated tests); check-segmenter ran through Bull after 'workbench plugins add', in $(($(date +%s) - started)) s"
