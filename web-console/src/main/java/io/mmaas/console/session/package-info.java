/**
 * Signing in and out, the server-side sessions that hold each user's admin API token, the cookies that name
 * them, and the CSRF checks on every form (a per-session token, and for the sign-in form a token bound to a
 * short-lived pre-session cookie).
 */
package io.mmaas.console.session;
