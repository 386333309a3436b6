/**
 * Content-addressed storage of model artifacts that every control-plane replica can read: the {@link
 * io.mmaas.controlplane.blobs.BlobStore} seam (asynchronous, streaming, memory bounded by a chunk or two per
 * transfer) and its stores — PostgreSQL (chunked rows, the default), S3-compatible object storage, and a local folder
 * for one machine — chosen by {@code MMAAS_BLOB_STORE}.
 */
package io.mmaas.controlplane.blobs;
