package io.mmaas.console.audit;

import io.mmaas.console.pages.Nav;

/** The result of verifying the audit log's hash chain. */
public record VerifyView(Nav nav, boolean valid, long checked, String headHash, Long firstBrokenSeq,
    String firstBrokenId, String problem, long millis) {}
