/** The audit log for auditors and admins: filters, keyset paging through any number of events, and verification. */
package io.mmaas.console.audit;
