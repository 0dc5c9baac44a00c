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

{{/* shop.serviceBusPubsubMetadata: the metadata of a Service Bus topics pub/sub (namespace, Entra ID, entities managed by Bicep, delivery bounds): shop-pubsub and shop-pubsub-regional alike. */}}
{{- define "shop.serviceBusPubsubMetadata" -}}
- name: namespaceName
  # The namespace's FQDN, Bicep output serviceBusNamespace (Skaffold: SERVICE_BUS_NAMESPACE).
  value: {{ required "daprComponents.serviceBus.namespace is required (Bicep output serviceBusNamespace; Skaffold: SERVICE_BUS_NAMESPACE)" .Values.daprComponents.serviceBus.namespace | quote }}
- name: disableEntityManagement
  value: "true"
- name: timeoutInSec
  value: "60"
- name: handlerTimeoutInSec
  value: "60"
# Keep the message locked while Dapr retries the delivery in the sidecar (dapr-components/azure/resiliency.yaml).
- name: lockRenewalInSec
  value: "20"
- name: maxActiveMessages
  value: "100"
- name: maxConcurrentHandlers
  value: "10"
- name: publishMaxRetries
  value: "5"
- name: publishInitialRetryIntervalInMs
  value: "500"
{{- end -}}
