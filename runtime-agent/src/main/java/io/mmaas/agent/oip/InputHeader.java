package io.mmaas.agent.oip;

/**
 * One request input as the wire states it, before any data is decoded.
 *
 * @param datatype the OIP datatype name as sent
 * @param dataElements how many elements the data holds
 */
record InputHeader(String name, String datatype, long[] shape, long dataElements) {}
