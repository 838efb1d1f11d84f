{{/* The objects' base name: the release name, or <release>-offline-worker-reaper when it does not contain it. */}}
{{- define "owr.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* What selects the reaper's pods (and what leader election requires of them): one release per namespace. */}}
{{- define "owr.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
{{- end -}}

{{- define "owr.labels" -}}
{{ include "owr.selectorLabels" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "owr.secretName" -}}
{{- default (include "owr.fullname" .) .Values.secret.name -}}
{{- end -}}

{{/* The service account as an RBAC subject. */}}
{{- define "owr.subject" -}}
subjects:
  - kind: ServiceAccount
    name: {{ include "owr.fullname" . }}
    namespace: {{ .Release.Namespace }}
{{- end -}}

{{/* settings as environment variables: nested keys joined with '.', then upper case, '.' and '-' as '_'. */}}
{{- define "owr.settings" -}}
{{- $prefix := index . 0 -}}
{{- range $key, $value := index . 1 }}
{{- $name := printf "%s.%s" $prefix $key }}
{{- if kindIs "map" $value }}
{{- include "owr.settings" (list $name $value) }}
{{- else }}
{{ $name | upper | replace "." "_" | replace "-" "_" }}: {{ $value | toString | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Which opt-in features are on, from their settings: each one's RBAC follows. */}}
{{- define "owr.terminatingPods" -}}{{ if .Values.settings.terminating.enabled }}true{{ end }}{{- end -}}
{{- define "owr.nodeActions" -}}{{ if ne .Values.settings.node.action "none" }}true{{ end }}{{- end -}}
{{- define "owr.localVolumes" -}}{{ if (index .Values.settings "local-volumes").enabled }}true{{ end }}{{- end -}}
