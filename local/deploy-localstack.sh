#!/usr/bin/env bash
# Deploys the Quakeslide CDK app (stage "local") to a running LocalStack. What `npm run
# deploy:localstack` runs. Uses cdklocal (npm package aws-cdk-local) when installed, otherwise the
# plain CDK CLI with AWS_ENDPOINT_URL pointing at LocalStack.
set -euo pipefail
cd "$(dirname "$0")/.."

export AWS_ENDPOINT_URL="${AWS_ENDPOINT_URL:-http://localhost.localstack.cloud:4566}"
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}"
export AWS_REGION="${AWS_REGION:-us-east-1}"
export CDK_DEFAULT_ACCOUNT=000000000000
export CDK_DEFAULT_REGION="$AWS_REGION"

if ! curl -fsS "$AWS_ENDPOINT_URL/_localstack/health" >/dev/null; then
  echo "deploy:localstack: LocalStack does not answer at $AWS_ENDPOINT_URL;" \
    "start it with: docker compose -f docker-compose.localstack.yml up -d" >&2
  exit 2
fi

if command -v cdklocal >/dev/null 2>&1 || [ -x node_modules/.bin/cdklocal ]; then
  cdk=(npx cdklocal)
else
  cdk=(npx cdk)
fi
"${cdk[@]}" bootstrap "aws://$CDK_DEFAULT_ACCOUNT/$AWS_REGION" -c quakeslide:stage=local
"${cdk[@]}" deploy --all --require-approval never -c quakeslide:stage=local "$@"
