/** A tenant's models and versions: create, upload (streamed through to the API) and the signature of each version. */
package io.mmaas.console.models;
