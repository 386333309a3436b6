/** The schema's migrations (SQL under {@code db/migration}) and the runner that applies them. */
package io.mmaas.migrations;
