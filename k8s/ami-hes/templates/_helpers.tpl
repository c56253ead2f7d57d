{{- define "ami-hes.labels" -}}
app.kubernetes.io/part-of: ami-hes
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}


{{- /* hsm.slot as digits: a YAML number reaches the template as a float (1894322215 would print 1.894322215e+09) */}}
{{- define "ami-hes.hsmSlot" -}}
{{- $slot := required "hsm.slot: the numeric slot id of the HSM token that holds the master key" .Values.hsm.slot -}}
{{- if kindIs "string" $slot -}}
{{- if and $slot (not (regexMatch "^[0-9]+$" $slot)) }}{{ fail (printf "hsm.slot must be a number, not %q" $slot) }}{{ end -}}
{{- $slot -}}
{{- else -}}
{{- int64 $slot -}}
{{- end -}}
{{- end -}}
