/**
 * The console's client of the control plane's admin API ({@code /api/v1}): every call carries the signed-in
 * user's token and the browser's address and user agent, so the API decides what is allowed and audits it.
 */
package io.mmaas.console.api;
