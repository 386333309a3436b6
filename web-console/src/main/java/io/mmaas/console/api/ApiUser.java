package io.mmaas.console.api;

/**
 * A user as the admin API describes it.
 *
 * @param tenant the tenant's name for tenant admins and tenant auditors, null for platform-wide users
 */
public record ApiUser(String id, String username, String role, String tenant) {
  public static final String PLATFORM_ADMIN = "platform_admin";
  public static final String TENANT_ADMIN = "tenant_admin";
  public static final String AUDITOR = "auditor";

  public boolean isPlatformAdmin() {
    return PLATFORM_ADMIN.equals(role);
  }

  /** The role as people read it; an unknown role (a newer API) is shown as it came. */
  public String roleLabel() {
    return switch (role) {
      case PLATFORM_ADMIN -> "Platform admin";
      case TENANT_ADMIN -> "Tenant admin";
      case AUDITOR -> "Auditor";
      default -> role;
    };
  }
}
