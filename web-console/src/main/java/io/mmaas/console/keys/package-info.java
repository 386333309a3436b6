/** A tenant's API keys: created with scopes, expiry and a model allow-list, revoked and rotated; secrets shown once. */
package io.mmaas.console.keys;
