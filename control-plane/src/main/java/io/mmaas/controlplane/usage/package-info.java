/** Usage rollups as the admin API shows them (JSON and CSV); the gateway's meter writes them. */
package io.mmaas.controlplane.usage;
