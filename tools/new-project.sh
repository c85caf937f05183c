#!/usr/bin/env bash
# Scaffolds the boilerplate of one Nx project: tools/new-project.sh <root> <tag> <name>
set -euo pipefail
root=$1; tag=$2; name=$3
depth=$(echo "$root" | awk -F/ '{print NF}'); up=$(printf '../%.0s' $(seq 1 "$depth"))
mkdir -p "$root/src"
cat > "$root/project.json" <<JSON
{
  "name": "$name",
  "\$schema": "${up}node_modules/nx/schemas/project-schema.json",
  "sourceRoot": "$root/src",
  "projectType": "$( [ "${root%%/*}" = apps ] && echo application || echo library )",
  "tags": ["$tag"],
  "targets": {
    "lint": {},
    "cycles": {},
    "typecheck": {},
    "test": {}
  }
}
JSON
cat > "$root/tsconfig.json" <<JSON
{
  "extends": "${up}tsconfig.base.json",
  "compilerOptions": { "types": ["node", "jest"], "noEmit": true },
  "include": ["src/**/*.ts", "test/**/*.ts"]
}
JSON
cat > "$root/jest.config.js" <<JS
module.exports = { ...require('${up}jest.preset.js'), displayName: '$name', rootDir: __dirname };
JS
