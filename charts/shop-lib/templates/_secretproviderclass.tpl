{{/* shop-lib.secretProviderClass: Key Vault secrets of one service, read with its workload identity and synced to a Kubernetes Secret for env. */}}
{{- define "shop-lib.secretProviderClass" -}}
{{- $kv := .root.Values.secrets.keyVault -}}
apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: {{ include "shop-lib.fullname" . }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "shop-lib.labels" . | nindent 4 }}
spec:
  provider: azure
  parameters:
    usePodIdentity: "false"
    clientID: {{ .svc.workloadIdentity.clientId | quote }}
    keyvaultName: {{ required "secrets.keyVault.name is required with secrets.provider=keyVaultCsi (a Bicep output)" $kv.name | quote }}
    tenantId: {{ required "global.azure.tenantId is required with secrets.provider=keyVaultCsi" .root.Values.global.azure.tenantId | quote }}
    objects: |
      array:
        {{- range $envName, $ref := .svc.secretEnv }}
        - |
          objectName: {{ $ref.keyVaultSecret }}
          objectType: secret
        {{- end }}
        {{- if .root.Values.dapr.tokens.enabled }}
        {{- range $kind := list "app" "api" }}
        - |
          objectName: {{ (get $.root.Values.dapr.tokens (printf "%sToken" $kind)).keyVaultSecret }}
          objectType: secret
        {{- end }}
        {{- end }}
  secretObjects:
    - secretName: {{ include "shop-lib.kvSecretName" . }}
      type: Opaque
      labels:
        {{- include "shop-lib.selectorLabels" . | nindent 8 }}
      data:
        {{- range $envName, $ref := .svc.secretEnv }}
        - objectName: {{ $ref.keyVaultSecret }}
          key: {{ $envName }}
        {{- end }}
    {{- if .root.Values.dapr.tokens.enabled }}
    {{- range $kind := list "app" "api" }}
    # Dapr reads the token from key `token` of the Secret named in dapr.io/{{ $kind }}-token-secret.
    - secretName: {{ include "shop-lib.daprTokenSecretName" (merge (dict "kind" $kind) $) }}
      type: Opaque
      data:
        - objectName: {{ (get $.root.Values.dapr.tokens (printf "%sToken" $kind)).keyVaultSecret }}
          key: token
    {{- end }}
    {{- end }}
{{- end -}}
