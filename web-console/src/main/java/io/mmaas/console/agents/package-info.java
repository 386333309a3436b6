/** The fleet of runtime agents (health, capacity, replicas) and enrollment tokens for new agents. */
package io.mmaas.console.agents;
