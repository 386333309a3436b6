/**
 * Signing in and out, the sessions that hold each user's admin API token (sealed with AES-256-GCM in the session
 * cookie, so they survive restarts and work on every console replica with the same keys), the cookies, and the CSRF
 * checks on every form (a per-session token, and for the sign-in form a token bound to a short-lived pre-session
 * cookie).
 */
package io.mmaas.console.session;
