package io.herald.logic.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import io.herald.config.ConfigException;
import java.security.Key;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The verification keys, with the JWK set file read again while Logic runs, so keys rotate without
 * a restart: every {@link JwtConfig#jwksRefresh()}, and when a token names a {@code kid} no key has
 * (a key added by the issuer before this Logic read the file), at most once per {@link
 * JwtConfig#UNKNOWN_KID_REFRESH} — a client sending made-up kids cannot make Logic read the file
 * more often than that. A key removed from the file is refused from the next read on.
 *
 * <p>A read that fails (file gone, not a JWK set, a weak key) keeps the keys in use, is logged
 * (without the file's content) and counted; the next read tries again. Reads happen on the
 * authenticating thread, one at a time; the file is small and local.
 */
final class JwtKeys implements JWSKeySelector<SecurityContext> {
  private static final Logger log = LoggerFactory.getLogger(JwtKeys.class);

  private final JwtConfig config;
  private final Set<JWSAlgorithm> algorithms;
  private final Clock clock;
  private final JwtMetrics metrics;
  private final List<JWK> fixed;
  private volatile JwtKeySelector selector;
  private volatile Instant nextRefresh;
  private volatile Instant nextUnknownKidRefresh = Instant.MIN;

  /**
   * @param keys the keys read at start: {@code fixed} and the JWK set file's
   * @throws IllegalArgumentException if a key is too weak, or none serves an allowed algorithm
   */
  JwtKeys(
      JwtConfig config,
      List<JWK> fixed,
      JWKSet keys,
      Set<JWSAlgorithm> algorithms,
      Clock clock,
      JwtMetrics metrics) {
    this.config = config;
    this.algorithms = algorithms;
    this.clock = clock;
    this.metrics = metrics;
    this.fixed = List.copyOf(fixed);
    this.selector = new JwtKeySelector(keys, algorithms);
    this.nextRefresh = clock.instant().plus(config.jwksRefresh());
  }

  @Override
  public List<Key> selectJWSKeys(JWSHeader header, SecurityContext context)
      throws KeySourceException {
    if (config.jwksFile().isEmpty()) {
      return selector.selectJWSKeys(header, context);
    }
    Instant now = clock.instant();
    if (!now.isBefore(nextRefresh)) {
      refresh(now, false);
    }
    try {
      return selector.selectJWSKeys(header, context);
    } catch (JwtKeySelector.NoMatchingKeyException e) {
      if (header.getKeyID() == null || !refresh(now, true)) {
        throw e;
      }
      return selector.selectJWSKeys(header, context);
    }
  }

  /**
   * Reads the JWK set file again if it is still due; returns whether it did and the keys changed.
   */
  private synchronized boolean refresh(Instant now, boolean unknownKid) {
    if (unknownKid ? now.isBefore(nextUnknownKidRefresh) : now.isBefore(nextRefresh)) {
      return false; // another thread did it meanwhile, or an unknown kid read it recently
    }
    nextRefresh = now.plus(config.jwksRefresh());
    nextUnknownKidRefresh = now.plus(JwtConfig.UNKNOWN_KID_REFRESH);
    try {
      List<JWK> keys = new ArrayList<>(fixed);
      keys.addAll(JwtKeySource.jwks(config.jwksFile()));
      JwtKeySelector fresh = new JwtKeySelector(new JWKSet(keys), algorithms);
      boolean changed = !fresh.equals(selector);
      selector = fresh;
      metrics.keysRead(unknownKid, true);
      if (changed) {
        log.info(
            "auth.jwt.jwksFile {}: key set read again, {} keys in use",
            config.jwksFile(),
            fresh.size());
      }
      return changed;
    } catch (ConfigException | IllegalArgumentException e) {
      metrics.keysRead(unknownKid, false);
      log.warn(
          "auth.jwt.jwksFile {}: cannot be read again, the keys in use stay ({})",
          config.jwksFile(),
          e instanceof ConfigException ? "unreadable, not a JWK set or empty" : e.getMessage());
      return false;
    }
  }
}
