{{/* shop.daprComponentMetadata: the header every Azure Dapr component of the release shares (name from Components of packages/contracts, release labels). */}}
{{- define "shop.daprComponentMetadata" -}}
apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: {{ .componentName }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "shop-lib.releaseLabels" .root | nindent 4 }}
{{- end -}}

{{/* shop.daprComponentScopes: the app ids that may load a component (daprComponents.scopes, each one a service the chart deploys). */}}
{{- define "shop.daprComponentScopes" -}}
scopes:
  {{- range .Values.daprComponents.scopes }}
  {{- if not (hasKey $.Values.services .) }}
  {{- fail (printf "daprComponents.scopes: %s is not a service of this chart" .) }}
  {{- end }}
  - {{ . }}
  {{- end }}
{{- end -}}
