/** Domain exceptions, each carrying the HTTP status and error code the failure handlers map it to. */
package io.mmaas.controlplane.errors;
