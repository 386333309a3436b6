/** The platform's tenants: the list and the create form (suspending waits for an API that can do it). */
package io.mmaas.console.tenants;
