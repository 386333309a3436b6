/** Start-up and wiring: configuration from the environment, the one verticle that assembles the console. */
package io.mmaas.console.app;
