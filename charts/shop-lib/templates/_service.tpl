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
