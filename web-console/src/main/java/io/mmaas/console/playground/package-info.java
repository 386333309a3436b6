/** The playground: one test inference through the gateway with an API key pasted for that call only. */
package io.mmaas.console.playground;
