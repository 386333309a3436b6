/**
 * The Open Inference Protocol (KServe v2 REST) as this agent serves it: health, server and model metadata, and
 * inference, addressed by replica id and guarded by the serving key. The JSON codec is split in three so other
 * encodings (the binary tensor extension) can reuse the middle: {@code JsonInferRequestReader} reads the request's
 * structure, {@code RequestValidator} checks it against the loaded model, and
 * {@code JsonTensorDecoder} fills direct buffers only after that check passed.
 */
package io.mmaas.agent.oip;
