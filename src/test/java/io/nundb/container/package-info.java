/** Tests of the Docker image (against a real engine) and of the deployment files. */
package io.nundb.container;
