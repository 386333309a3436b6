package io.mmaas.controlplane.http;

/** CSV cells for the exports (audit log, usage): RFC 4180 quoting, and no formulas for spreadsheets. */
public final class Csv {
  private Csv() {
  }

  /**
   * One cell: empty for null; a leading quote when a spreadsheet would read it as a formula (names and details are
   * chosen by tenants); quoted when it holds a comma, quote or line break.
   */
  public static String cell(String v) {
    if (v == null) {
      return "";
    }
    String safe = !v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0 ? "'" + v : v;
    if (safe.indexOf(',') < 0 && safe.indexOf('"') < 0 && safe.indexOf('\n') < 0 && safe.indexOf('\r') < 0) {
      return safe;
    }
    return '"' + safe.replace("\"", "\"\"") + '"';
  }
}
