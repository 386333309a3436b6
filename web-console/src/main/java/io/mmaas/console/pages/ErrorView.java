package io.mmaas.console.pages;

/**
 * An error page: what went wrong in words, and the ids to quote when asking for help. Never a stack trace.
 *
 * @param apiRequestId the admin API's request id when it differs from the console's, else null
 */
public record ErrorView(int status, String title, String message, String requestId, String apiRequestId) {}
