{{/* shop-lib.serviceAccount: the service's ServiceAccount, federated with its user-assigned managed identity (Azure workload identity). */}}
{{- define "shop-lib.serviceAccount" -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "shop-lib.serviceAccountName" . }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "shop-lib.labels" . | nindent 4 }}
    azure.workload.identity/use: "true"
  annotations:
    azure.workload.identity/client-id: {{ required (printf "services.%s.workloadIdentity.clientId is required (the client id of the service's managed identity, a Bicep output)" .name) .svc.workloadIdentity.clientId | quote }}
    {{- with .root.Values.global.azure.tenantId }}
    azure.workload.identity/tenant-id: {{ . | quote }}
    {{- end }}
automountServiceAccountToken: false
{{- end -}}
