/**
 * Tenants' quotas: data-plane rates (enforced by the gateway's limiter) and resource ceilings (models, storage,
 * replicas), checked atomically in PostgreSQL under the quota row's lock when a change would consume them.
 */
package io.mmaas.controlplane.quotas;
