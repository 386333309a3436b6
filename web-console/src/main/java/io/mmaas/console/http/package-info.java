/** What every request passes through: request ids, security headers, and small helpers for responses. */
package io.mmaas.console.http;
