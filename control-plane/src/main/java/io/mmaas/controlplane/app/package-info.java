/**
 * Configuration and wiring: the configuration record, the database pool and migrations, the verticle that builds
 * repositories, services and handlers, and the route tables.
 */
package io.mmaas.controlplane.app;
