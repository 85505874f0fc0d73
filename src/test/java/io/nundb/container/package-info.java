/** Tests of the deployment: the Docker image, the compose cluster (real engine), the Grafana board (real Prometheus), the Helm chart and the deployment files. */
package io.nundb.container;
