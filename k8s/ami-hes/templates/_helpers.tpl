{{- define "ami-hes.labels" -}}
app.kubernetes.io/part-of: ami-hes
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}
