/**
 * Tenants: creation with default quotas, suspension, and the resolution of {tenant} in every tenant-scoped path
 * through the access policy (another tenant's objects answer 404).
 */
package io.mmaas.controlplane.tenants;
