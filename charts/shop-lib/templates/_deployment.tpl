{{/* shop-lib.deployment: one service's Deployment (app container + Dapr sidecar by annotation), hardened and spread across zones. */}}
{{- define "shop-lib.deployment" -}}
{{- $svc := .svc -}}
{{- $root := .root -}}
{{- $fullname := include "shop-lib.fullname" . -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $fullname }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "shop-lib.labels" . | nindent 4 }}
spec:
  {{- if not $svc.autoscaling.enabled }}
  replicas: {{ $svc.replicaCount }}
  {{- end }}
  revisionHistoryLimit: {{ $root.Values.global.revisionHistoryLimit }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 0
  selector:
    matchLabels:
      {{- include "shop-lib.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "shop-lib.labels" . | nindent 8 }}
        azure.workload.identity/use: "true"
      annotations:
        checksum/config: {{ include "shop-lib.configMap" . | sha256sum }}
        {{- include "shop-lib.daprAnnotations" . | nindent 8 }}
        {{- with $svc.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "shop-lib.serviceAccountName" . }}
      # The Dapr sidecar authenticates to Sentry with the pod's service account token, so the pod mounts it.
      automountServiceAccountToken: true
      enableServiceLinks: false
      terminationGracePeriodSeconds: {{ $svc.terminationGracePeriodSeconds }}
      {{- with $root.Values.global.imagePullSecrets }}
      imagePullSecrets:
        {{- range . }}
        - name: {{ . }}
        {{- end }}
      {{- end }}
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
        fsGroup: 10001
        seccompProfile:
          type: RuntimeDefault
      {{- if $svc.topologySpread.enabled }}
      topologySpreadConstraints:
        - maxSkew: {{ $svc.topologySpread.maxSkew }}
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: {{ $svc.topologySpread.zoneWhenUnsatisfiable }}
          labelSelector:
            matchLabels:
              {{- include "shop-lib.selectorLabels" . | nindent 14 }}
          matchLabelKeys:
            - pod-template-hash
        - maxSkew: {{ $svc.topologySpread.maxSkew }}
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              {{- include "shop-lib.selectorLabels" . | nindent 14 }}
          matchLabelKeys:
            - pod-template-hash
      {{- end }}
      {{- with $svc.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $svc.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $svc.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ .name }}
          image: {{ include "shop-lib.image" . | quote }}
          imagePullPolicy: {{ $svc.image.pullPolicy | default $root.Values.global.imagePullPolicy }}
          ports:
            - name: http
              containerPort: {{ $svc.port }}
              protocol: TCP
            - name: metrics
              containerPort: {{ $root.Values.metrics.port }}
              protocol: TCP
          envFrom:
            - configMapRef:
                name: {{ $fullname }}
          env:
            {{- range $envName, $ref := $svc.secretEnv }}
            - name: {{ $envName }}
              valueFrom:
                secretKeyRef:
                  {{- if eq $root.Values.secrets.provider "keyVaultCsi" }}
                  name: {{ include "shop-lib.kvSecretName" $ }}
                  key: {{ $envName }}
                  {{- else }}
                  name: {{ $ref.existingSecret | default (printf "%s-secrets" $fullname) }}
                  key: {{ $ref.key | default $envName }}
                  {{- end }}
                  optional: {{ $ref.optional | default false }}
            {{- end }}
            {{- if $root.Values.dapr.tokens.enabled }}
            - name: APP_API_TOKEN
              valueFrom:
                secretKeyRef:
                  name: {{ include "shop-lib.daprTokenSecretName" (merge (dict "kind" "app") $) }}
                  key: token
            - name: DAPR_API_TOKEN
              valueFrom:
                secretKeyRef:
                  name: {{ include "shop-lib.daprTokenSecretName" (merge (dict "kind" "api") $) }}
                  key: token
            {{- end }}
          startupProbe:
            httpGet:
              path: /healthz
              port: http
            periodSeconds: {{ $svc.probes.startup.periodSeconds }}
            failureThreshold: {{ $svc.probes.startup.failureThreshold }}
            timeoutSeconds: {{ $svc.probes.startup.timeoutSeconds }}
          readinessProbe:
            httpGet:
              path: /readyz
              port: http
            periodSeconds: {{ $svc.probes.readiness.periodSeconds }}
            failureThreshold: {{ $svc.probes.readiness.failureThreshold }}
            timeoutSeconds: {{ $svc.probes.readiness.timeoutSeconds }}
          livenessProbe:
            httpGet:
              path: /healthz
              port: http
            periodSeconds: {{ $svc.probes.liveness.periodSeconds }}
            failureThreshold: {{ $svc.probes.liveness.failureThreshold }}
            timeoutSeconds: {{ $svc.probes.liveness.timeoutSeconds }}
          resources:
            {{- toYaml $svc.resources | nindent 12 }}
          securityContext:
            runAsNonRoot: true
            runAsUser: 10001
            runAsGroup: 10001
            readOnlyRootFilesystem: true
            allowPrivilegeEscalation: false
            privileged: false
            capabilities:
              drop:
                - ALL
            seccompProfile:
              type: RuntimeDefault
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- if include "shop-lib.usesKeyVault" . }}
            - name: key-vault-secrets
              mountPath: /mnt/secrets-store
              readOnly: true
            {{- end }}
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: {{ $svc.tmpSizeLimit }}
        {{- if include "shop-lib.usesKeyVault" . }}
        # The CSI volume must be mounted for the driver to sync the Kubernetes Secret the env refers to.
        - name: key-vault-secrets
          csi:
            driver: secrets-store.csi.k8s.io
            readOnly: true
            volumeAttributes:
              secretProviderClass: {{ $fullname }}
        {{- end }}
{{- end -}}
