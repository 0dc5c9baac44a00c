{{/* shop-lib.daprAnnotations: the sidecar injector's annotations for one service (app id, port, config, resources, tokens, metrics). */}}
{{- define "shop-lib.daprAnnotations" -}}
{{- $dapr := .root.Values.dapr -}}
dapr.io/enabled: "true"
dapr.io/app-id: {{ .svc.appId | quote }}
dapr.io/app-port: {{ .svc.port | quote }}
dapr.io/app-protocol: {{ $dapr.appProtocol | quote }}
dapr.io/config: {{ $dapr.configName | quote }}
dapr.io/log-level: {{ $dapr.logLevel | quote }}
dapr.io/log-as-json: "true"
dapr.io/enable-metrics: {{ $dapr.metrics.enabled | quote }}
dapr.io/metrics-port: {{ $dapr.metrics.port | quote }}
dapr.io/enable-app-health-check: "true"
dapr.io/app-health-check-path: "/healthz"
dapr.io/graceful-shutdown-seconds: {{ $dapr.gracefulShutdownSeconds | quote }}
dapr.io/sidecar-cpu-request: {{ $dapr.sidecar.resources.requests.cpu | quote }}
dapr.io/sidecar-memory-request: {{ $dapr.sidecar.resources.requests.memory | quote }}
dapr.io/sidecar-cpu-limit: {{ $dapr.sidecar.resources.limits.cpu | quote }}
dapr.io/sidecar-memory-limit: {{ $dapr.sidecar.resources.limits.memory | quote }}
dapr.io/sidecar-seccomp-profile-type: "RuntimeDefault"
{{- if $dapr.tokens.enabled }}
dapr.io/app-token-secret: {{ include "shop-lib.daprTokenSecretName" (merge (dict "kind" "app") .) | quote }}
dapr.io/api-token-secret: {{ include "shop-lib.daprTokenSecretName" (merge (dict "kind" "api") .) | quote }}
{{- end }}
{{- end -}}
