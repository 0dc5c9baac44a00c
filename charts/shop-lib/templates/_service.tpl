{{/* shop-lib.service: ClusterIP Service on the app port (the ingress and the gateway reach the app through it). */}}
{{- define "shop-lib.service" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "shop-lib.fullname" . }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "shop-lib.labels" . | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "shop-lib.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ .svc.port }}
      targetPort: http
      protocol: TCP
{{- end -}}

{{/* shop-lib.internalLoadBalancerService: the service's private route for the Functions app, an Azure internal load balancer with a fixed address (Bicep output internalLoadBalancer.ips) on port 80. */}}
{{- define "shop-lib.internalLoadBalancerService" -}}
{{- $lb := .root.Values.internalLoadBalancer -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ printf "%s-internal" (include "shop-lib.fullname" .) | trunc 63 | trimSuffix "-" }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "shop-lib.labels" . | nindent 4 }}
  annotations:
    service.beta.kubernetes.io/azure-load-balancer-internal: "true"
    service.beta.kubernetes.io/azure-load-balancer-internal-subnet: {{ required "internalLoadBalancer.subnetName is required (Bicep output internalLoadBalancer.subnetName)" $lb.subnetName | quote }}
    # The address the Functions app's *_INTERNAL_URL settings name; the annotation replaces the deprecated spec.loadBalancerIP.
    service.beta.kubernetes.io/azure-load-balancer-ipv4: {{ .svc.internalLoadBalancer.ip | quote }}
spec:
  type: LoadBalancer
  # Local keeps the caller's address (no SNAT to a node), so the NetworkPolicy can admit the Functions subnet by ipBlock;
  # the load balancer's health probe then sends traffic only to nodes that run a pod of the service.
  externalTrafficPolicy: Local
  # Defence in depth below the NetworkPolicy: the cloud provider limits the NSG rule, and kube-proxy the load
  # balancer address, to the callers.
  loadBalancerSourceRanges:
    {{- range required "internalLoadBalancer.callerCidrs is required with an internal load balancer (Bicep output functionsSubnetPrefix)" $lb.callerCidrs }}
    - {{ . }}
    {{- end }}
  selector:
    {{- include "shop-lib.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ $lb.port }}
      targetPort: http
      protocol: TCP
{{- end -}}

{{/* shop-lib.hasInternalLoadBalancer: "true" when the service gets an internal load balancer (enabled for the release and an address assigned to it). */}}
{{- define "shop-lib.hasInternalLoadBalancer" -}}
{{- if and .root.Values.internalLoadBalancer.enabled .svc.internalLoadBalancer .svc.internalLoadBalancer.ip -}}true{{- end -}}
{{- end -}}
