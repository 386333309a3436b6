/**
 * A tenant's usage against its quota: charts over time drawn as inline SVG on the server (no script, nothing
 * fetched), the limits with current use, the CSV download (streamed through from the API), and the quota form for
 * platform admins.
 */
package io.mmaas.console.usage;
