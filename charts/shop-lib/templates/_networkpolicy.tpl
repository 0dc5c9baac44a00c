{{/* shop-lib.networkPolicy: what one service may receive (sidecars, Dapr control plane, metrics scrapers, the ingress for public services, the Functions app through an internal load balancer) and reach (DNS, Dapr, the OTLP collector, its Azure data services). */}}
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
    # Metrics scraping (Azure Monitor managed Prometheus agents run in kube-system): the app's separate metrics
    # listener and the sidecar's metrics port, never the app port.
    - from:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: {{ $np.metricsNamespace }}
      ports:
        - port: metrics
          protocol: TCP
        - port: {{ .root.Values.dapr.metrics.port }}
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
    {{- if include "shop-lib.hasInternalLoadBalancer" . }}
    # The Functions app through the service's internal load balancer (externalTrafficPolicy Local keeps its address):
    # its subnet only, the app port only; the app checks the app API token on the /internal routes it calls.
    - from:
        {{- range required "internalLoadBalancer.callerCidrs is required with an internal load balancer (Bicep output functionsSubnetPrefix)" .root.Values.internalLoadBalancer.callerCidrs }}
        - ipBlock:
            cidr: {{ . }}
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
    # DNS: CoreDNS (the policy sees the pod after the kube-dns Service address is translated), UDP and TCP for
    # answers too large for UDP. AKS runs no node-local DNS cache here (aks.bicep enables no LocalDNS).
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
    {{- with $np.otlpCollector }}
    {{- if .enabled }}
    # Telemetry of the app and of its sidecar to the OpenTelemetry Collector (OTLP gRPC and HTTP).
    - to:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: {{ .namespace }}
          {{- with .podLabels }}
          podSelector:
            matchLabels:
              {{- toYaml . | nindent 14 }}
          {{- end }}
      ports:
        {{- range .ports }}
        - port: {{ . }}
          protocol: TCP
        {{- end }}
    {{- end }}
    {{- end }}
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
