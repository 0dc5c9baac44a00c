{{/* shop-lib.networkPolicy: what one service may receive (sidecars, Dapr control plane, the ingress for public services) and reach (DNS, Dapr, its Azure data services). */}}
{{- define "shop-lib.networkPolicy" -}}
{{- $np := .root.Values.networkPolicy -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "shop-lib.fullname" . }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "shop-lib.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "shop-lib.selectorLabels" . | nindent 6 }}
  policyTypes:
    - Ingress
    - Egress
  ingress:
    # Service invocation and pub/sub deliveries arrive sidecar to sidecar (Dapr's internal gRPC port).
    - from:
        - podSelector:
            matchLabels:
              app.kubernetes.io/part-of: {{ .root.Values.global.partOf }}
      ports:
        - port: {{ $np.daprSidecarInternalPort }}
          protocol: TCP
    # The Dapr control plane (operator, placement, sentry, scheduler) talks to the sidecar.
    - from:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: {{ $np.daprSystemNamespace }}
    # Metrics scraping (Azure Monitor managed Prometheus agents run in kube-system).
    - from:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: {{ $np.metricsNamespace }}
      ports:
        - port: {{ .root.Values.dapr.metrics.port }}
          protocol: TCP
        - port: http
          protocol: TCP
    {{- if .svc.public }}
    # Public routes: Application Gateway (AGIC) sends to pod IPs from its own subnet.
    - from:
        {{- range $np.ingressFromCidrs }}
        - ipBlock:
            cidr: {{ . }}
        {{- end }}
        {{- with $np.ingressControllerNamespace }}
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: {{ . }}
        {{- end }}
      ports:
        - port: http
          protocol: TCP
    {{- end }}
    {{- if .svc.allowFromGateway }}
    # The local gateway (values-dev) proxies /api/* straight to the app port.
    - from:
        - podSelector:
            matchLabels:
              app.kubernetes.io/name: gateway
              app.kubernetes.io/instance: {{ .root.Release.Name }}
      ports:
        - port: http
          protocol: TCP
    {{- end }}
  egress:
    # DNS
    - to:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: kube-system
          podSelector:
            matchLabels:
              k8s-app: kube-dns
      ports:
        - port: 53
          protocol: UDP
        - port: 53
          protocol: TCP
    # Dapr control plane
    - to:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: {{ $np.daprSystemNamespace }}
    # Other sidecars (service invocation)
    - to:
        - podSelector:
            matchLabels:
              app.kubernetes.io/part-of: {{ .root.Values.global.partOf }}
      ports:
        - port: {{ $np.daprSidecarInternalPort }}
          protocol: TCP
    {{- if .svc.allowToServices }}
    # Direct HTTP to the services (the local gateway only).
    - to:
        - podSelector:
            matchLabels:
              app.kubernetes.io/part-of: {{ .root.Values.global.partOf }}
    {{- end }}
    {{- range $rule := $np.egress }}
    {{- if or (not $rule.services) (has $.name $rule.services) }}
    # {{ $rule.name }}
    - to:
        {{- range $rule.cidrs }}
        - ipBlock:
            cidr: {{ . }}
        {{- end }}
      ports:
        {{- range $rule.ports }}
        - port: {{ . }}
          protocol: TCP
        {{- end }}
    {{- end }}
    {{- end }}
{{- end -}}

{{/* shop-lib.defaultDenyNetworkPolicy: denies all traffic to and from the release's pods unless a service policy allows it. */}}
{{- define "shop-lib.defaultDenyNetworkPolicy" -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ printf "%s-default-deny" .Release.Name | trunc 63 | trimSuffix "-" }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "shop-lib.releaseLabels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/instance: {{ .Release.Name }}
  policyTypes:
    - Ingress
    - Egress
{{- end -}}
