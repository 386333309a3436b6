/**
 * Handlers that render pages, the records each jte template takes (one per page), and the error pages. The
 * templates live in {@code src/main/jte} and are compiled into the jar; jte's Html content type escapes every
 * value, so nothing a tenant can set is written unescaped.
 */
package io.mmaas.console.pages;
