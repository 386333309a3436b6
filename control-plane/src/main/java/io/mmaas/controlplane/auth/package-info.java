/**
 * Who is calling and what they may do: users and roles, password hashing, sessions and their tokens, sign-in
 * throttling, and the {@link io.mmaas.controlplane.auth.AccessPolicy}, the one place the admin API's rules live.
 */
package io.mmaas.controlplane.auth;
