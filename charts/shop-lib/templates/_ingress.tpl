{{/* shop-lib.ingress: one Ingress for the Application Gateway Ingress Controller routing each public service's /api prefix (never /internal). */}}
{{- define "shop-lib.ingress" -}}
{{- $root := . -}}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ .Release.Name }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "shop-lib.releaseLabels" . | nindent 4 }}
  {{- $annotations := deepCopy (.Values.ingress.annotations | default dict) }}
  {{- with .Values.ingress.appGatewaySslCertificate }}
  {{- /* AGIC builds the gateway's HTTPS (443) listener with the certificate Bicep installed on the gateway from Key Vault. */}}
  {{- $_ := set $annotations "appgw.ingress.kubernetes.io/appgw-ssl-certificate" . }}
  {{- end }}
  {{- with $annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  ingressClassName: {{ .Values.ingress.className }}
  {{- with .Values.ingress.tls }}
  tls:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  rules:
    - {{- with .Values.ingress.host }}
      host: {{ . | quote }}
      {{- end }}
      http:
        paths:
          {{- range $name, $raw := .Values.services }}
          {{- $svc := mergeOverwrite (deepCopy $root.Values.serviceDefaults) (deepCopy $raw) }}
          {{- if and $svc.enabled $svc.public }}
          {{- range $prefix := concat (list $svc.routePrefix) ($svc.extraRoutePrefixes | default list) }}
          {{- if hasPrefix "/internal" $prefix }}
          {{- fail (printf "services.%s.routePrefix %s: /internal routes are never exposed" $name $prefix) }}
          {{- end }}
          - path: {{ $prefix }}
            pathType: Prefix
            backend:
              service:
                name: {{ include "shop-lib.fullname" (dict "root" $root "name" $name) }}
                port:
                  name: http
          {{- end }}
          {{- end }}
          {{- end }}
          {{- with $root.Values.ingress.readinessProbe }}
          {{- if .service }}
          {{- /* Front Door probes each region's gateway at this path (bicep/modules/front-door.bicep healthProbePath): one service's readiness, this path only. */}}
          - path: {{ .path }}
            pathType: Exact
            backend:
              service:
                name: {{ include "shop-lib.fullname" (dict "root" $root "name" .service) }}
                port:
                  name: http
          {{- end }}
          {{- end }}
{{- end -}}
