{{/* shop-lib.configMap: the service's non-secret environment (common env, then the service's own; secrets never go here). */}}
{{- define "shop-lib.configMap" -}}
{{- $env := merge (deepCopy .svc.env) (deepCopy .root.Values.commonEnv) -}}
{{- range $key := .svc.requiredEnv | default list }}
{{- if not (get $env $key) }}
{{- fail (printf "services.%s.env.%s is required (a deployment output; Skaffold's aks profile sets it from the environment, see skaffold.yaml)" $.name $key) }}
{{- end }}
{{- end -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "shop-lib.fullname" . }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "shop-lib.labels" . | nindent 4 }}
data:
  PORT: {{ .svc.port | quote }}
  # /metrics is served on its own listener, so the app port the Ingress and the internal load balancer reach never
  # exposes it; the container port `metrics` and the PodMonitor use the same number.
  METRICS_PORT: {{ .root.Values.metrics.port | quote }}
  {{- range $key, $value := omit $env "PORT" "METRICS_PORT" }}
  {{ $key }}: {{ $value | toString | quote }}
  {{- end }}
{{- end -}}
