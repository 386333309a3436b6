/**
 * Application API keys: the recognisable key format with checksum, issuing (the secret shown once, stored as a
 * hash), listing, rotation with overlap, revocation announced to every gateway.
 */
package io.mmaas.controlplane.keys;
