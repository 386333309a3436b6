/**
 * The system under benchmark on real processes: a fresh database, packaged control-plane replicas and runtime agents
 * started as child processes, and a signed-in admin client for arranging state.
 */
package io.mmaas.bench.system;
