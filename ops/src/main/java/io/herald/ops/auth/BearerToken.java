package io.herald.ops.auth;

import io.grpc.Metadata;
import io.herald.config.Check;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;

/**
 * Bearer tokens as Herald's servers check them: the token an {@code Authorization: Bearer <token>}
 * value carries ({@link #read}), configured tokens kept as SHA-256 digests ({@link #digest}) and a
 * presented one compared with every one of them with {@link MessageDigest#isEqual} ({@link
 * #indexOf}), so the time taken tells nothing about how much of a token matched, and the rules an
 * operator's token must meet ({@link #checkConfigured}).
 */
public final class BearerToken {
  /** The shortest admin token accepted: admin tokens guard draining Comets. */
  public static final int MIN_ADMIN_LENGTH = 16;

  /** The gRPC metadata a bearer token travels in ({@code authorization}). */
  public static final Metadata.Key<String> GRPC_AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** What a refusal tells the caller to send. */
  public static final String EXPECTED = "expected: Authorization: Bearer <token>";

  private static final String SCHEME = "bearer ";

  private BearerToken() {}

  /**
   * What an {@code Authorization} value presents.
   *
   * @param token the token, empty when there is none
   * @param problem why there is none, safe to show the caller (it never repeats the value); empty
   *     when there is a token
   */
  public record Presented(String token, String problem) {
    public boolean present() {
      return problem.isEmpty();
    }
  }

  /** The token of {@code authorization} ({@code Bearer <token>}, the scheme in any case). */
  public static Presented read(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      return new Presented("", "missing bearer token (" + EXPECTED + ")");
    }
    if (authorization.length() < SCHEME.length()
        || !authorization.substring(0, SCHEME.length()).toLowerCase(Locale.ROOT).equals(SCHEME)) {
      return new Presented("", "not a bearer token (" + EXPECTED + ")");
    }
    String token = authorization.substring(SCHEME.length()).strip();
    return token.isEmpty()
        ? new Presented("", "missing bearer token (" + EXPECTED + ")")
        : new Presented(token, "");
  }

  /** The SHA-256 digest of {@code token}, as configured tokens are kept. */
  public static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * The index in {@code digests} of {@code token}'s digest, or -1; compared with every one, the
   * last match winning, in time that depends only on how many there are.
   */
  public static int indexOf(List<byte[]> digests, String token) {
    byte[] presented = digest(token);
    int found = -1;
    for (int i = 0; i < digests.size(); i++) {
      if (MessageDigest.isEqual(digests.get(i), presented)) {
        found = i;
      }
    }
    return found;
  }

  /**
   * Checks an operator's token as configured under {@code name} ({@code admin.tokens[0]}): not
   * blank, no whitespace, at least {@code minLength} characters. The message never shows it.
   *
   * @throws io.herald.config.ConfigException naming {@code name} if it breaks a rule
   */
  public static void checkConfigured(String name, String token, int minLength) {
    Check.notBlank(name, token);
    Check.state(
        token.chars().noneMatch(Character::isWhitespace), name, "<hidden>", "no whitespace");
    Check.state(
        token.length() >= minLength,
        name,
        "<hidden, " + token.length() + " characters>",
        "at least " + minLength + " characters");
  }
}
