package io.herald.config;

import java.util.regex.Pattern;

/**
 * Hides what config values carry in secret before a value is shown in a message or a log line: the
 * user info of a URI ({@code redis://:password@host}) and a {@code password=} parameter (of a JDBC
 * URL, say).
 */
public final class Secrets {
  private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^/@?#]*@");
  private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password=)[^;&,\\s]*");

  /** What every secret is shown as. */
  public static final String HIDDEN = "<hidden>";

  private Secrets() {}

  /** {@code uri} with its user info and any {@code password=} parameter hidden. */
  public static String redactUri(String uri) {
    if (uri == null) {
      return null;
    }
    String shown = USER_INFO.matcher(uri).replaceAll(HIDDEN + "@");
    return PASSWORD_PARAMETER.matcher(shown).replaceAll("$1" + HIDDEN);
  }

  /** Whether a secret is set, never what it is: {@code ""} or {@value #HIDDEN}. */
  public static String presence(String secret) {
    return secret == null || secret.isEmpty() ? "" : HIDDEN;
  }
}
