{{/* shop.services: the enabled services as a list of {root, name, svc} contexts, svc = serviceDefaults overlaid with the service's values. */}}
{{- define "shop.services" -}}
{{- $root := . -}}
{{- $list := list -}}
{{- range $name, $raw := .Values.services -}}
{{- $svc := mergeOverwrite (deepCopy $root.Values.serviceDefaults) (deepCopy $raw) -}}
{{- if $svc.enabled -}}
{{- $list = append $list (dict "name" $name "svc" $svc) -}}
{{- end -}}
{{- end -}}
{{- toJson $list -}}
{{- end -}}
