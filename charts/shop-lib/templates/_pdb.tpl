{{/* shop-lib.pdb: PodDisruptionBudget so node drains and upgrades keep the service up. */}}
{{- define "shop-lib.pdb" -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "shop-lib.fullname" . }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "shop-lib.labels" . | nindent 4 }}
spec:
  {{- if .svc.pdb.minAvailable }}
  minAvailable: {{ .svc.pdb.minAvailable }}
  {{- else }}
  maxUnavailable: {{ .svc.pdb.maxUnavailable }}
  {{- end }}
  unhealthyPodEvictionPolicy: AlwaysAllow
  selector:
    matchLabels:
      {{- include "shop-lib.selectorLabels" . | nindent 6 }}
{{- end -}}
