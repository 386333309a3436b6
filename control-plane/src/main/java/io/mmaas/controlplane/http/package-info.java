/** HTTP plumbing shared by the control plane's APIs: request ids, strict bodies, pagination, the failure handler. */
package io.mmaas.controlplane.http;
