{{/* Names */}}
{{- define "mmaas.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "mmaas.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Labels every object carries */}}
{{- define "mmaas.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "mmaas.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: mmaas
{{- end -}}

{{/* Selector labels of one component: (dict "ctx" $ "component" "gateway") */}}
{{- define "mmaas.selectorLabels" -}}
app.kubernetes.io/name: {{ include "mmaas.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* The release's pods, whatever their component (the default-deny policy selects these) */}}
{{- define "mmaas.releaseSelector" -}}
app.kubernetes.io/name: {{ include "mmaas.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* image reference: (dict "ctx" $ "image" .Values.images.gateway) */}}
{{- define "mmaas.image" -}}
{{- $tag := default .ctx.Chart.AppVersion .image.tag -}}
{{- if eq $tag "latest" -}}{{- fail "images: the tag \"latest\" is not allowed; name a version" -}}{{- end -}}
{{- printf "%s%s:%s" .ctx.Values.images.registry .image.repository $tag -}}
{{- end -}}

{{- define "mmaas.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "mmaas.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "mmaas.secretName" -}}
{{- default (printf "%s-secrets" (include "mmaas.fullname" .)) .Values.secrets.existingSecret -}}
{{- end -}}

{{- define "mmaas.databaseSecretName" -}}
{{- default (printf "%s-database" (include "mmaas.fullname" .)) .Values.database.existingSecret -}}
{{- end -}}

{{- define "mmaas.s3SecretName" -}}
{{- default (printf "%s-s3" (include "mmaas.fullname" .)) .Values.blobStore.s3.existingSecret -}}
{{- end -}}

{{- define "mmaas.enrollmentSecretName" -}}
{{- default (printf "%s-agent-enrollment" (include "mmaas.fullname" .)) .Values.agents.enrollment.existingSecret -}}
{{- end -}}

{{/* Pod-level settings shared by every pod */}}
{{- define "mmaas.podCommon" -}}
serviceAccountName: {{ include "mmaas.serviceAccountName" . }}
automountServiceAccountToken: false
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.images.pullSecrets }}
imagePullSecrets:
  {{- range . }}
  - name: {{ . }}
  {{- end }}
{{- end }}
{{- end -}}

{{/* Topology spread for one component: (dict "ctx" $ "component" "admin") */}}
{{- define "mmaas.topologySpread" -}}
{{- $sel := include "mmaas.selectorLabels" . | fromYaml -}}
topologySpreadConstraints:
{{- range .ctx.Values.topologySpread }}
  - maxSkew: {{ .maxSkew }}
    topologyKey: {{ .topologyKey }}
    whenUnsatisfiable: {{ .whenUnsatisfiable }}
    labelSelector:
      matchLabels:
        {{- toYaml $sel | nindent 8 }}
{{- end }}
{{- end -}}

{{/* Env entries from the chart's or an existing Secret: (dict "name" "MMAAS_X" "secret" "s" "key" "k" "optional" bool) */}}
{{- define "mmaas.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: {{ .key }}
      {{- if .optional }}
      optional: true
      {{- end }}
{{- end -}}

{{/* The database URLs every control-plane container reads */}}
{{- define "mmaas.databaseEnv" -}}
{{ include "mmaas.secretEnv" (dict "name" "MMAAS_DATABASE_URL" "secret" (include "mmaas.databaseSecretName" .) "key" .Values.database.urlKey) }}
{{- with .Values.database.role }}
- name: MMAAS_DATABASE_ROLE
  value: {{ . | quote }}
{{- end }}
{{- end -}}

{{/* Blob store settings (admin, agent-api and scheduler: they write, serve and collect blobs) */}}
{{- define "mmaas.blobEnv" -}}
- name: MMAAS_BLOB_STORE
  value: {{ .Values.blobStore.type | quote }}
{{- if eq .Values.blobStore.type "s3" }}
{{- with .Values.blobStore.s3.endpoint }}
- name: MMAAS_BLOB_S3_ENDPOINT
  value: {{ . | quote }}
{{- end }}
- name: MMAAS_BLOB_S3_BUCKET
  value: {{ required "blobStore.s3.bucket is required with blobStore.type=s3" .Values.blobStore.s3.bucket | quote }}
- name: MMAAS_BLOB_S3_REGION
  value: {{ .Values.blobStore.s3.region | quote }}
- name: MMAAS_BLOB_S3_PATH_STYLE
  value: {{ .Values.blobStore.s3.pathStyle | quote }}
{{ include "mmaas.secretEnv" (dict "name" "MMAAS_BLOB_S3_ACCESS_KEY" "secret" (include "mmaas.s3SecretName" .) "key" .Values.blobStore.s3.accessKeyKey) }}
{{ include "mmaas.secretEnv" (dict "name" "MMAAS_BLOB_S3_SECRET_KEY" "secret" (include "mmaas.s3SecretName" .) "key" .Values.blobStore.s3.secretKeyKey) }}
{{- end }}
{{- end -}}

{{/* HTTP probe: (dict "path" "/health/ready" "port" "internal" "p" .Values.probes.readiness) */}}
{{- define "mmaas.httpProbe" -}}
httpGet:
  path: {{ .path }}
  port: {{ .port }}
periodSeconds: {{ .p.periodSeconds }}
failureThreshold: {{ .p.failureThreshold }}
timeoutSeconds: {{ .p.timeoutSeconds }}
{{- end -}}
