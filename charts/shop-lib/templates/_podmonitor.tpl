{{/* shop-lib.podMonitor: one PodMonitor of the managed Prometheus add-on (azmonitoring.coreos.com/v1) scraping every service pod of the release: the app's `metrics` port and the Dapr sidecar's. */}}
{{- define "shop-lib.podMonitor" -}}
{{- $pm := .Values.metrics.podMonitor -}}
{{- if and $pm.requireCrd (not (.Capabilities.APIVersions.Has "azmonitoring.coreos.com/v1/PodMonitor")) -}}
{{- fail "metrics.podMonitor.enabled but the cluster does not serve azmonitoring.coreos.com/v1 PodMonitor: enable AKS managed Prometheus (azureMonitorProfile.metrics, docs/deployment.md), or for an offline render pass --api-versions azmonitoring.coreos.com/v1/PodMonitor." -}}
{{- end -}}
apiVersion: azmonitoring.coreos.com/v1
kind: PodMonitor
metadata:
  name: {{ .Release.Name }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "shop-lib.releaseLabels" . | nindent 4 }}
spec:
  # The add-on drops samples beyond these limits; these are the values Azure's templates ask for.
  labelLimit: 63
  labelNameLengthLimit: 511
  labelValueLengthLimit: 1023
  selector:
    matchLabels:
      app.kubernetes.io/instance: {{ .Release.Name }}
      app.kubernetes.io/part-of: {{ .Values.global.partOf }}
  namespaceSelector:
    matchNames:
      - {{ .Release.Namespace }}
  podMetricsEndpoints:
    # The app's own metrics (METRICS_PORT). They carry a `service` label already (the registry's default label);
    # honorLabels keeps it, and the relabelling below gives the same value, so rules and dashboards group by it alike.
    - port: metrics
      path: /metrics
      interval: {{ $pm.interval }}
      scrapeTimeout: {{ $pm.scrapeTimeout }}
      honorLabels: true
      relabelings:
        {{- include "shop-lib.podMonitorRelabelings" . | nindent 8 }}
    {{- if .Values.dapr.metrics.enabled }}
    # The Dapr sidecar (container daprd, port dapr-metrics = dapr.metrics.port): dapr_* series, labelled with the
    # service they belong to.
    - port: dapr-metrics
      path: /metrics
      interval: {{ $pm.interval }}
      scrapeTimeout: {{ $pm.scrapeTimeout }}
      relabelings:
        {{- include "shop-lib.podMonitorRelabelings" . | nindent 8 }}
    {{- end }}
{{- end -}}

{{/* shop-lib.podMonitorRelabelings: the target labels every series keeps: service (app.kubernetes.io/name), pod, namespace, container. */}}
{{- define "shop-lib.podMonitorRelabelings" -}}
- sourceLabels: [__meta_kubernetes_pod_label_app_kubernetes_io_name]
  targetLabel: service
  action: replace
- sourceLabels: [__meta_kubernetes_pod_name]
  targetLabel: pod
  action: replace
- sourceLabels: [__meta_kubernetes_namespace]
  targetLabel: namespace
  action: replace
- sourceLabels: [__meta_kubernetes_pod_container_name]
  targetLabel: container
  action: replace
{{- end -}}
