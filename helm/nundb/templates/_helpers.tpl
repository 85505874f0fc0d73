{{/* Names: the StatefulSet and client Service use the full name; peers resolve through the headless Service. */}}
{{- define "nundb.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "nundb.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 52 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "nundb.headless" -}}
{{- printf "%s-headless" (include "nundb.fullname" .) -}}
{{- end -}}

{{- define "nundb.selectorLabels" -}}
app.kubernetes.io/name: {{ include "nundb.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "nundb.labels" -}}
{{ include "nundb.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "nundb.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "nundb.secretName" -}}
{{- default (printf "%s-auth" (include "nundb.fullname" .)) .Values.existingSecret -}}
{{- end -}}

{{/* A member's stable DNS name: <sts>-<i>.<headless>.<namespace>.svc.<domain> */}}
{{- define "nundb.memberHost" -}}
{{- $ := index . 0 -}}
{{- printf "%s-%d.%s.%s.svc.%s" (include "nundb.fullname" $) (index . 1) (include "nundb.headless" $) $.Release.Namespace $.Values.clusterDomain -}}
{{- end -}}

{{/* NUN_REPLICATE_ADDR: every member's cluster address. */}}
{{- define "nundb.replicateAddr" -}}
{{- $members := list -}}
{{- range $i := until (int .Values.replicaCount) -}}
{{- $members = append $members (printf "%s:3016" (include "nundb.memberHost" (list $ $i))) -}}
{{- end -}}
{{- join "," $members -}}
{{- end -}}

{{/*
The Secret's data (base64), decided once per render and remembered, so the Secret and the pods'
checksum annotation see the same values: given values win, else what the Secret in the cluster
already holds (kept across upgrades), else newly generated. With existingSecret: what that Secret
holds (empty where the cluster cannot be asked, e.g. helm template).
*/}}
{{- define "nundb.secretData" -}}
{{- if not (hasKey .Values "__nundbSecretData") -}}
{{- $found := lookup "v1" "Secret" .Release.Namespace (include "nundb.secretName" .) | default dict -}}
{{- $old := get $found "data" | default dict -}}
{{- $data := dict -}}
{{- if .Values.existingSecret -}}
{{- $data = $old -}}
{{- else -}}
{{- $pwdKey := .Values.secretKeys.adminPassword -}}
{{- $clusterKey := .Values.secretKeys.clusterSecret -}}
{{- $pwd := .Values.admin.password | b64enc -}}
{{- if not .Values.admin.password -}}
{{- $pwd = get $old $pwdKey | default (randAlphaNum 24 | b64enc) -}}
{{- end -}}
{{- $secret := .Values.cluster.secret | b64enc -}}
{{- if not .Values.cluster.secret -}}
{{- $secret = get $old $clusterKey | default (randAlphaNum 40 | b64enc) -}}
{{- end -}}
{{- $data = dict $pwdKey $pwd $clusterKey $secret -}}
{{- end -}}
{{- $_ := set .Values "__nundbSecretData" $data -}}
{{- end -}}
{{- toJson (get .Values "__nundbSecretData") -}}
{{- end -}}

{{/* Restricted Pod Security Standard, for every container of the chart. */}}
{{- define "nundb.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "nundb.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end -}}
