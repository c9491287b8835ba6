package io.herald.logic.comet;

import io.herald.logic.session.Session;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which older connections a new login replaces. On a platform listed as single-login, a user keeps
 * one connection: a new AUTH of the same mid and platform kicks the older ones. Elsewhere (the
 * default, goim's behaviour) a user may hold several.
 */
public final class DuplicateLoginPolicy {
  private final Set<String> singleLoginPlatforms;

  public DuplicateLoginPolicy(List<String> singleLoginPlatforms) {
    this.singleLoginPlatforms =
        singleLoginPlatforms.stream()
            .map(platform -> platform.strip().toLowerCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());
  }

  /** The sessions {@code fresh} replaces, out of the same user's {@code existing} ones. */
  public List<Session> replaced(Session fresh, List<Session> existing) {
    String platform = fresh.platform().toLowerCase(Locale.ROOT);
    if (!singleLoginPlatforms.contains(platform)) {
      return List.of();
    }
    return existing.stream()
        .filter(old -> old.platform().toLowerCase(Locale.ROOT).equals(platform))
        .filter(old -> !old.key().equals(fresh.key()))
        .toList();
  }
}
