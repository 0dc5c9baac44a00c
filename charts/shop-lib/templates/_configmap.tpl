{{/* shop-lib.configMap: the service's non-secret environment (common env, then the service's own; secrets never go here). */}}
{{- define "shop-lib.configMap" -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "shop-lib.fullname" . }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "shop-lib.labels" . | nindent 4 }}
data:
  PORT: {{ .svc.port | quote }}
  {{- range $key, $value := merge (deepCopy .svc.env) (deepCopy .root.Values.commonEnv) }}
  {{ $key }}: {{ $value | toString | quote }}
  {{- end }}
{{- end -}}
