{{/* vim: set filetype=mustache: */}}

{{/* shop-lib.chartLabel: "<chart>-<version>" for the helm.sh/chart label. */}}
{{- define "shop-lib.chartLabel" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* shop-lib.fullname: "<release>-<service>", the name of every object of one service. */}}
{{- define "shop-lib.fullname" -}}
{{- printf "%s-%s" .root.Release.Name .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* shop-lib.selectorLabels: the immutable labels a service's Deployment selects its pods by. */}}
{{- define "shop-lib.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{/* shop-lib.labels: the recommended app.kubernetes.io/* labels of one service's objects. */}}
{{- define "shop-lib.labels" -}}
{{ include "shop-lib.selectorLabels" . }}
app.kubernetes.io/component: {{ .svc.component | default "api" }}
app.kubernetes.io/part-of: {{ .root.Values.global.partOf }}
app.kubernetes.io/version: {{ include "shop-lib.imageTag" . | trunc 63 | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ include "shop-lib.chartLabel" .root }}
{{- end -}}

{{/* shop-lib.releaseLabels: labels of the release-wide objects (default-deny policy, ingress). */}}
{{- define "shop-lib.releaseLabels" -}}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: {{ .Values.global.partOf }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ include "shop-lib.chartLabel" . }}
{{- end -}}

{{/* shop-lib.imageTag: the service's image tag, else the chart's appVersion. */}}
{{- define "shop-lib.imageTag" -}}
{{- .svc.image.tag | default .root.Chart.AppVersion | toString -}}
{{- end -}}

{{/* shop-lib.image: "[<registry>/]<repository>:<tag>[@<digest>]" (Skaffold sets a repository that already includes its registry). */}}
{{- define "shop-lib.image" -}}
{{- $registry := .svc.image.registry | default .root.Values.global.imageRegistry -}}
{{- $ref := ternary (printf "%s/%s" $registry .svc.image.repository) .svc.image.repository (ne $registry "") -}}
{{- if .svc.image.digest -}}
{{- printf "%s:%s@%s" $ref (include "shop-lib.imageTag" .) .svc.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $ref (include "shop-lib.imageTag" .) -}}
{{- end -}}
{{- end -}}

{{/* shop-lib.serviceAccountName: the service's ServiceAccount (also the subject of its federated credential). */}}
{{- define "shop-lib.serviceAccountName" -}}
{{- .svc.serviceAccount.name | default (include "shop-lib.fullname" .) -}}
{{- end -}}

{{/* shop-lib.kvSecretName: the Kubernetes Secret that the Key Vault CSI driver syncs for a service. */}}
{{- define "shop-lib.kvSecretName" -}}
{{- printf "%s-kv" (include "shop-lib.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* shop-lib.usesKeyVault: "true" when the service's secrets come from Key Vault through the CSI driver. */}}
{{- define "shop-lib.usesKeyVault" -}}
{{- if and (eq .root.Values.secrets.provider "keyVaultCsi") (or (gt (len .svc.secretEnv) 0) .root.Values.dapr.tokens.enabled) -}}true{{- end -}}
{{- end -}}

{{/* shop-lib.requireDapr: fails the render when the cluster has no Dapr CRDs (Dapr is installed by the AKS extension, not by this chart). */}}
{{- define "shop-lib.requireDapr" -}}
{{- if and .Values.dapr.requireControlPlane (not (.Capabilities.APIVersions.Has "dapr.io/v1alpha1")) -}}
{{- fail "Dapr is not installed in this cluster (API dapr.io/v1alpha1 is missing). Install the AKS Dapr extension first (az k8s-extension create --extension-type Microsoft.Dapr ..., see docs/deployment.md), or for an offline render pass --api-versions dapr.io/v1alpha1." -}}
{{- end -}}
{{- end -}}

{{/* shop-lib.daprTokenSecretName: the Secret (key `token`) holding the app API token (kind "app") or the Dapr API token (kind "api") of a service. */}}
{{- define "shop-lib.daprTokenSecretName" -}}
{{- $token := get .root.Values.dapr.tokens (printf "%sToken" .kind) -}}
{{- if eq .root.Values.secrets.provider "keyVaultCsi" -}}
{{- printf "%s-dapr-%s-token" (include "shop-lib.fullname" .) .kind | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $token.existingSecret -}}
{{- end -}}
{{- end -}}
