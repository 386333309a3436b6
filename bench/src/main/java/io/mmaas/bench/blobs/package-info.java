/** The blob stores' benchmark (issue #18 item 2): upload and download MiB/s per store. */
package io.mmaas.bench.blobs;
