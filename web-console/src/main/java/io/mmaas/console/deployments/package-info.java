/** A tenant's deployments: create, and the status of each replica with the reason it is not running. */
package io.mmaas.console.deployments;
