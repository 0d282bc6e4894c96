#!/usr/bin/env bash
# ASK CLI v2 build hook: `ask deploy` runs <project>/hooks/build.sh "<zip to write>" <debug> from its build folder
# (a copy of code.default.src) instead of its own npm-install-and-zip step. We bundle skill/lambda.ts with esbuild
# into one file (nothing from node_modules is needed at run time; `module` first picks the AWS SDK's ES builds,
# about 330 KiB instead of 880), add the deployment's config, check that the bundle loads, and zip the two files.
#
#   SAGEBUILD_CONFIG  the deployment's config file to package (default: <project>/sagebuild.config.json);
#                     the Lambda reads it from /var/task/sagebuild.config.json (see ask-resources.json).
#
# Run it by hand too: hooks/build.sh /tmp/skill.zip
# The CLI skips a deploy when code.default.src (./skill) is unchanged: after changing only core/, deploy with
# `ask deploy --ignore-hash`.
set -euo pipefail

zip_file="${1:?usage: hooks/build.sh <zip file to write> [debug]}"
debug="${2:-false}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
config="${SAGEBUILD_CONFIG:-$root/sagebuild.config.json}"

log() { if [ "$debug" = "true" ]; then echo "[build.sh] $*" >&2; fi; }

if [ ! -f "$config" ]; then
  echo "build.sh: no SageBuild config at $config. Set SAGEBUILD_CONFIG to the deployment's config file." >&2
  exit 1
fi

# The voice model's pipeline names must be this deployment's, or Alexa cannot resolve them.
log "checking the interaction models against $config"
if ! SAGEBUILD_CONFIG="$config" "$root/node_modules/.bin/tsx" "$root/interaction-models/generate.ts" --check >/dev/null; then
  echo "build.sh: the interaction models don't match $config: run 'SAGEBUILD_CONFIG=$config npm run models' and deploy again." >&2
  exit 1
fi

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

log "bundling $root/skill/lambda.ts"
# The same bundler (and flags) the benchmarks measure: tools/bundle.ts.
"$root/node_modules/.bin/tsx" "$root/tools/bundle.ts" "$root/skill/lambda.ts" "$stage/index.js" >/dev/null
cp "$config" "$stage/sagebuild.config.json"

# A bad config fails here, at build time, exactly as it would at the Lambda's cold start.
log "checking that the bundle loads with $config"
(cd "$stage" && SAGEBUILD_CONFIG="$stage/sagebuild.config.json" AWS_REGION="${AWS_REGION:-us-east-1}" \
  node -e "if (typeof require('./index.js').handler !== 'function') { console.error('no handler export'); process.exit(1); }")

mkdir -p "$(dirname "$zip_file")"
zip_file="$(cd "$(dirname "$zip_file")" && pwd)/$(basename "$zip_file")"
rm -f "$zip_file"
log "zipping to $zip_file"
if command -v zip >/dev/null; then
  (cd "$stage" && zip -q -X "$zip_file" index.js sagebuild.config.json)
else
  (cd "$stage" && python3 -m zipfile -c "$zip_file" index.js sagebuild.config.json)
fi
