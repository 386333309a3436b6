package io.mmaas.console.usage;

/**
 * One of the tenant's limits as the usage page shows it: the limit, and what is in use now when the API reports it.
 *
 * @param field the API's field name (the quota form's input)
 * @param limit the limit as a number, for the form
 * @param used what is in use now, or null when the API does not count it
 */
public record QuotaRow(String field, String label, long limit, String limitText, Long used, String usedText) {

  /** How full it is, 0 to 1, for the meter; 0 when nothing is counted. */
  public double fraction() {
    return used == null || limit <= 0 ? 0 : Math.min(1.0, (double) used / limit);
  }
}
