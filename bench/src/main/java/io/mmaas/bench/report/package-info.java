/** Writing benchmark results (JSON and Markdown) and noting how loaded the shared machine was meanwhile. */
package io.mmaas.bench.report;
